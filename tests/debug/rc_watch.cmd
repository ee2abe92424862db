watch 600
b after
c
c
c
c
info breaks
rc
p [600]
rc
p [600]
rc
rc
p [600]
rc
c
info breaks
json print [600]
json stack
q
