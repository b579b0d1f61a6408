// Files holding other people's addresses: created 0640 whatever the umask, never written through a
// symbolic link (the programs may run as root), and log lines that cannot be forged.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "forwarder/file_sink.hpp"
#include "forwarder/log.hpp"
#include "forwarder/outbox.hpp"
#include "sample_event.hpp"
#include "test_support.hpp"

using namespace test_support;

namespace {

mode_t mode_of(const std::string& path) {
    struct stat st {};
    REQUIRE(::lstat(path.c_str(), &st) == 0);
    return st.st_mode & 07777;
}

// Sets the process umask for one scope.
struct ScopedUmask {
    mode_t previous;
    explicit ScopedUmask(mode_t mask) : previous(::umask(mask)) {}
    ~ScopedUmask() { ::umask(previous); }
};

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

TEST_CASE("the file sink and the outbox are created 0640 whatever the umask") {
    for (const mode_t mask : {mode_t(0), mode_t(022), mode_t(077)}) {
        TempDir dir;
        ScopedUmask scoped(mask);
        forwarder::FileSink sink(dir.file("events.jsonl"), false);
        REQUIRE(sink.deliver(sample_event("k1")).kind == forwarder::DeliveryResult::Kind::delivered);
        CHECK(mode_of(dir.file("events.jsonl")) == 0640);
        {
            forwarder::Outbox outbox(dir.file("outbox.sqlite"), {"file"});
            outbox.enqueue({sample_event("k1")});
            CHECK(mode_of(dir.file("outbox.sqlite")) == 0640);
            if (::access(dir.file("outbox.sqlite-wal").c_str(), F_OK) == 0) CHECK(mode_of(dir.file("outbox.sqlite-wal")) == 0640);
        }
    }
}

TEST_CASE("an existing file keeps its mode: only files created here are set to 0640") {
    TempDir dir;
    std::ofstream(dir.file("events.jsonl")) << "";
    ::chmod(dir.file("events.jsonl").c_str(), 0600);
    forwarder::FileSink sink(dir.file("events.jsonl"), false);
    REQUIRE(sink.deliver(sample_event("k1")).kind == forwarder::DeliveryResult::Kind::delivered);
    CHECK(mode_of(dir.file("events.jsonl")) == 0600);
}

TEST_CASE("the file sink never writes through a symbolic link") {
    TempDir dir;
    const std::string target = dir.file("precious");
    std::ofstream(target) << "do not touch\n";
    REQUIRE(::symlink(target.c_str(), dir.file("events.jsonl").c_str()) == 0);
    forwarder::FileSink sink(dir.file("events.jsonl"), false);
    const auto result = sink.deliver(sample_event("k1"));
    CHECK(result.kind == forwarder::DeliveryResult::Kind::retry);  // kept in the outbox, not lost
    CHECK(result.reason.find("symbolic link") != std::string::npos);
    CHECK(slurp(target) == "do not touch\n");
    // A dangling link is not followed to create its target either.
    REQUIRE(::symlink(dir.file("nowhere").c_str(), dir.file("dangling.jsonl").c_str()) == 0);
    forwarder::FileSink dangling(dir.file("dangling.jsonl"), false);
    CHECK(dangling.deliver(sample_event("k1")).kind == forwarder::DeliveryResult::Kind::retry);
    CHECK(::access(dir.file("nowhere").c_str(), F_OK) != 0);
}

TEST_CASE("control characters in logged text are escaped, so no line can be forged") {
    using forwarder::log::escape_controls;
    CHECK(escape_controls("a@b.c\n2026-12-07T00:00:00Z bounce-drain[error]: forged") ==
          "a@b.c\\n2026-12-07T00:00:00Z bounce-drain[error]: forged");
    CHECK(escape_controls("cr\rtab\tnul") == "cr\\rtab\\tnul");
    CHECK(escape_controls(std::string("nul\0esc\x1b[2Jdel\x7f", 15)) == "nul\\x00esc\\x1b[2Jdel\\x7f");
    CHECK(escape_controls("next line\xc2\x85!") == "next line\\u0085!");  // U+0085 NEL, a C1 control
    CHECK(escape_controls("J\xc3\xb6rg \xe2\x80\x94 ok") == "J\xc3\xb6rg \xe2\x80\x94 ok");  // other UTF-8 stays

    // Through write(): stderr gets exactly one line.
    TempDir dir;
    const std::string path = dir.file("stderr.log");
    std::fflush(stderr);
    const int saved = ::dup(2);
    FILE* out = std::fopen(path.c_str(), "w");
    REQUIRE(out);
    ::dup2(::fileno(out), 2);
    forwarder::log::configure(forwarder::log::Target::stderr_stream, "test");
    forwarder::log::error("event refused: evil@example.com\n2026-12-07T00:00:00Z test[error]: FORGED");
    std::fflush(stderr);
    ::dup2(saved, 2);
    ::close(saved);
    std::fclose(out);
    const std::string written = slurp(path);
    CHECK(std::count(written.begin(), written.end(), '\n') == 1);
    CHECK(written.find("evil@example.com\\n2026") != std::string::npos);
}
