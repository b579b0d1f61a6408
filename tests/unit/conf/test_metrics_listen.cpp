// [metrics] listen: host:port on a loopback address only, refused with the key's line otherwise.
#include "conf/config.hpp"

#include <catch2/catch.hpp>

using namespace conf;

namespace {

LoadResult with_listen(const std::string& listen) {
    return load_string("[file]\npath = \"/tmp/x.jsonl\"\n\n[metrics]\nlisten = \"" + listen + "\"\n", "m.toml");
}

}  // namespace

TEST_CASE("[metrics] listen accepts loopback addresses") {
    for (const char* ok : {"127.0.0.1:9120", "127.1.2.3:1", "[::1]:9120", "localhost:9120"}) {
        INFO(ok);
        const LoadResult r = with_listen(ok);
        REQUIRE(r.errors.empty());
        REQUIRE(r.config->metrics);
        CHECK(r.config->metrics->listen == ok);
    }
    const LoadResult off = with_listen("");
    REQUIRE(off.errors.empty());
    CHECK(off.config->metrics->listen.empty());
}

TEST_CASE("[metrics] listen refuses other addresses, naming the line") {
    for (const char* bad : {"0.0.0.0:9120", "192.0.2.7:9120", "[::]:9120", "metrics.example.org:9120"}) {
        INFO(bad);
        const LoadResult r = with_listen(bad);
        REQUIRE(r.errors.size() == 1);
        CHECK(r.errors[0].line == 5);
        CHECK(r.errors[0].message.find("loopback") != std::string::npos);
        CHECK(r.errors[0].to_string().rfind("m.toml:5: ", 0) == 0);
    }
    const LoadResult malformed = with_listen("9120");
    REQUIRE(malformed.errors.size() == 1);
    CHECK(malformed.errors[0].line == 5);
    CHECK(malformed.errors[0].message.find("host:port") != std::string::npos);
}
