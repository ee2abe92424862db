#!/usr/bin/env escript
%% pingpong.erl - the Erlang/OTP version of pingpong.kar: two processes exchange
%% 1,000,000 messages (500,000 round trips). Run: escript bench/pingpong.erl
-mode(compile).

main(_) ->
    Parent = self(),
    Pong = spawn(fun() -> pong(Parent, 500000) end),
    {Micros, ok} = timer:tc(fun() -> ping(Pong, 0, 500000) end),
    io:format("~w~n", [500000]),
    io:format(standard_error, "erlang pingpong: ~.3f s~n", [Micros / 1.0e6]).

ping(_, N, N) -> ok;
ping(Pong, I, N) ->
    Pong ! {self(), I},
    receive I -> ping(Pong, I + 1, N) end.

pong(_, 0) -> ok;
pong(Parent, K) ->
    receive {From, I} -> From ! I, pong(Parent, K - 1) end.
