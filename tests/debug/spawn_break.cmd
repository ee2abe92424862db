b strings.strlen
c
bt
c
bt
c
