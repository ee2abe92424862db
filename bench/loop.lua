-- loop.lua - the work of loop.kar in Lua: count to 100,000,000 with a while loop.
--
-- An anchor for bench/run.sh, which times it with lua5.4, luajit -joff (LuaJIT's
-- interpreter) and luajit (its JIT) beside mvm run bench/loop.kar.
-- Output: 100000000
local i = 0
while i < 100000000 do
    i = i + 1
end
print(i)
