// A fuzz target's invariant check: on violation, print what broke and abort, so libFuzzer saves the
// input as a crash and the replay test fails. Active in every build type (assert() is not, in release).
#pragma once

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition, what)                                                        \
    do {                                                                                   \
        if (!(condition)) {                                                                \
            std::fprintf(stderr, "fuzz invariant broken at %s:%d: %s\n", __FILE__, __LINE__, what); \
            std::abort();                                                                  \
        }                                                                                  \
    } while (0)
