-- fib.lua - the work of fib.kar in Lua: the doubly recursive fib(35).
--
-- An anchor for bench/run.sh, which times it with lua5.4, luajit -joff (LuaJIT's
-- interpreter) and luajit (its JIT) beside mvm run bench/fib.kar. The same recursion:
-- fib(n) = n for n < 2, else fib(n - 1) + fib(n - 2), 29,860,703 calls.
-- Output: 9227465
local function fib(n)
    if n < 2 then
        return n
    end
    return fib(n - 1) + fib(n - 2)
end
print(fib(35))
