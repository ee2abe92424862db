b first
c
p G5
c
rc
p G5
ps
c
