#!/usr/bin/env escript
%% spawnmany.erl - the Erlang/OTP version of spawnmany.kar: 100,000 times, spawn a
%% process that exits at once and wait for it to end. Run: escript bench/spawnmany.erl
-mode(compile).

main(_) ->
    {Micros, N} = timer:tc(fun() -> loop(0, 100000) end),
    io:format("~w~n", [N]),
    io:format(standard_error, "erlang spawnmany: ~.3f s~n", [Micros / 1.0e6]).

loop(N, N) -> N;
loop(I, N) ->
    {_Pid, Ref} = spawn_monitor(fun() -> ok end),
    receive {'DOWN', Ref, process, _, _} -> loop(I + 1, N) end.
