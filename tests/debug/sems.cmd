sems
json sems
b made
c
sems
json sems
s 3
sems
s 3
sems
b waited
c
sems
s 3
sems
back 3
sems
s 3
sems
json sems
b new
c
sems
c
sems
json sems
q
