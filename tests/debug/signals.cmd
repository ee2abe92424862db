b on_usr1
c
bt
print G1
back 3
where
c
bt
finish
print G1
d
c
back 1
rc
q
