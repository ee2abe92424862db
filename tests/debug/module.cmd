b mylib.twice
b strings.strlen
info breaks
c
bt
where
stack
finish
c
bt
finish
stack
next
next
c
q
