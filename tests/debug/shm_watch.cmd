watch 600 1
c
ps
c
q
