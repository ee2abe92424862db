b on_usr1
c
bt
step 999999999999
back 50
rc
watch 200 2
c
back 7
ps
mailboxes
finish
next
json regs

info saved
q
