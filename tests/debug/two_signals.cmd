s 26
ps
back 1
ps
s 1
bt 2
s 2
back 2
s 10
c
