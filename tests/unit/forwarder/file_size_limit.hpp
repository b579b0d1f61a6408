// Simulates a full disk inside a unit test: lowers this process's RLIMIT_FSIZE so every write that
// reaches `bytes` fails with EFBIG, and ignores SIGXFSZ (whose default action would kill the test
// runner), exactly what bounce-milter does in production. Both are restored on destruction.
#pragma once

#include <catch2/catch.hpp>
#include <sys/resource.h>

#include <csignal>

namespace test_support {

class FileSizeLimit {
public:
    explicit FileSizeLimit(rlim_t bytes) {
        REQUIRE(getrlimit(RLIMIT_FSIZE, &saved_) == 0);
        previous_handler_ = std::signal(SIGXFSZ, SIG_IGN);
        rlimit lowered = saved_;
        lowered.rlim_cur = bytes;
        REQUIRE(setrlimit(RLIMIT_FSIZE, &lowered) == 0);
    }
    ~FileSizeLimit() {
        setrlimit(RLIMIT_FSIZE, &saved_);
        std::signal(SIGXFSZ, previous_handler_);
    }
    FileSizeLimit(const FileSizeLimit&) = delete;
    FileSizeLimit& operator=(const FileSizeLimit&) = delete;

private:
    rlimit saved_{};
    void (*previous_handler_)(int) = SIG_DFL;
};

}  // namespace test_support
