s 3
regs
back 2
s 2
print R2
mem 1024 1027
next
next
back 10
c
q
