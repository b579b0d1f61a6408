#include "forwarder/dispatcher.hpp"
#include "forwarder/listmonk_sink.hpp"
#include "forwarder/log.hpp"

#include <catch2/catch.hpp>

using namespace forwarder;
using Kind = DeliveryResult::Kind;

TEST_CASE("listmonk answers map to delivered, permanent or retry (listmonk.md client policy)") {
    CHECK(classify_listmonk_response(200, R"({"data": true})").kind == Kind::delivered);
    CHECK(classify_listmonk_response(204, "").kind == Kind::delivered);

    auto bad = classify_listmonk_response(400, R"({"message": "Invalid email."})");
    CHECK(bad.kind == Kind::permanent);
    CHECK(bad.reason.find("Invalid email.") != std::string::npos);

    for (long status : {401L, 403L, 404L, 503L, 301L, 405L}) {
        INFO(status);
        auto r = classify_listmonk_response(status, R"({"message": "invalid API credentials"})");
        CHECK(r.kind == Kind::retry);
        CHECK(r.config_problem);
    }
    for (long status : {408L, 429L, 500L, 502L, 504L}) {
        INFO(status);
        auto r = classify_listmonk_response(status, "");
        CHECK(r.kind == Kind::retry);
        CHECK_FALSE(r.config_problem);
    }
}

TEST_CASE("listmonk's message becomes one short log line: no CR/LF to forge lines, no megabyte pages") {
    auto forged = classify_listmonk_response(500, R"({"message": "db down\n2026-07-21T10:00:00Z bounce-milter[info]: all fine\r"})");
    CHECK(forged.reason == "listmonk HTTP 500: db down 2026-07-21T10:00:00Z bounce-milter[info]: all fine ");
    auto page = classify_listmonk_response(502, "<html>\r\n" + std::string(100000, 'x'));
    CHECK(page.reason.size() < 300);
    CHECK(page.reason.find_first_of("\r\n") == std::string::npos);
    auto long_message = classify_listmonk_response(400, R"({"message": ")" + std::string(5000, 'm') + R"("})");
    CHECK(long_message.kind == Kind::permanent);
    CHECK(long_message.reason.size() < 300);
}

TEST_CASE("retry delays double from the initial value up to the cap, with jitter") {
    RetryPolicy p;
    p.initial = std::chrono::milliseconds(1000);
    p.maximum = std::chrono::milliseconds(300000);
    p.config_initial = std::chrono::milliseconds(30000);
    std::mt19937_64 rng(42);
    for (int i = 0; i < 50; ++i) {
        auto first = retry_delay(p, 1, false, rng).count();
        CHECK(first >= 500);
        CHECK(first <= 1000);
        auto fourth = retry_delay(p, 4, false, rng).count();
        CHECK(fourth >= 4000);
        CHECK(fourth <= 8000);
        auto late = retry_delay(p, 40, false, rng).count();
        CHECK(late >= 150000);
        CHECK(late <= 300000);
        auto config = retry_delay(p, 1, true, rng).count();
        CHECK(config >= 15000);
        CHECK(config <= 30000);
    }
}

TEST_CASE("URLs are logged without their password") {
    CHECK(log::redact_url("redis://user:pw@host:6379/0") == "redis://user:***@host:6379/0");
    CHECK(log::redact_url("redis://pw@host:6379") == "redis://***@host:6379");
    // An '@' past the first '/' may end a mistyped password ("u:p/w@h"): hidden rather than guessed.
    CHECK(log::redact_url("http://host/x@y") == "http://***@y");
    CHECK(log::redact_url("http://host:9000") == "http://host:9000");
}
