s 5
back 4
s 12
back 10
s 2
print I5
c
back 30
print I5
bt
mem 1034 1038
c
q
