s 4
ps
s 2
ps
json ps
b parent
c
ps
b set19
c
ps
s 2
ps
back 4
ps
c
ps
c
q
