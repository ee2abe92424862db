b loop if G1 == 4
b 4 if [100] >= 8
tbreak 6 if PID == 1
b 7 if PID != 1
b nowhere
b 3 if G99 == 1
b 3 if G1 ~ 1
info breaks
c
print G1
c
p [100]
d 2
c
c
info breaks
rc
print G1
json print G1
json info breaks
q
