ps
s 2
ps
s 2
ps
s 4
ps
s 3
ps
s 2
ps
json ps
s 16
ps
back 1
ps
c
q
