s 4
ps
s 4
back 5
ps
where
s

back 3
c
back 2
c
q
