c
ps
c
back 3
c
q
