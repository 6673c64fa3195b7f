#!/bin/sh
# Runs the compiler with its standard input on /dev/null.
#
# Cargo learns about the compiler by running `rustc -` (source read from standard input) with an empty input. On
# some machines that probe has been seen to read the text of an unrelated build-script log instead, fail, and
# fail every later cargo command that trusts its cached result ("failed to run `rustc` to learn about
# target-specific information ... unknown start of token"). No rustc invocation of this project needs standard
# input for anything else, so every one gets /dev/null.
exec "$@" < /dev/null
