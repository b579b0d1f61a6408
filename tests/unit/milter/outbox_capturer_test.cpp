// The real pipeline behind the milter: the dsn parser, events_from_report and a SQLite outbox.
#include "milter/outbox_capturer.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <unistd.h>

using milter::CaptureOutcome;
using milter::MessageInfo;
using milter::OutboxCapturer;
using S = CaptureOutcome::Status;

namespace {

std::string read_fixture(const std::string& name) {
    std::ifstream in(std::string(MILTER_FIXTURES_DIR) + "/" + name, std::ios::binary);
    REQUIRE(in);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
    for (auto pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size()))
        text.replace(pos, from.size(), to);
    return text;
}

struct TempOutbox {
    std::string dir;
    std::unique_ptr<forwarder::Outbox> outbox;
    TempOutbox() {
        char tmpl[] = "/tmp/milter-capture-test-XXXXXX";
        REQUIRE(mkdtemp(tmpl) != nullptr);
        dir = tmpl;
        outbox = std::make_unique<forwarder::Outbox>(dir + "/outbox.sqlite", std::vector<std::string>{"file"});
    }
    ~TempOutbox() {
        outbox.reset();
        std::system(("rm -rf '" + dir + "'").c_str());
    }
};

std::shared_ptr<const conf::Config> config_with(bool forward_delayed = false) {
    auto config = std::make_shared<conf::Config>();
    config->milter.emplace();
    config->milter->bounce_addresses = {"bounces@lists.example.com"};
    config->milter->forward_delayed = forward_delayed;
    return config;
}

MessageInfo info_for(const std::string& rcpt) {
    MessageInfo info;
    info.queue_id = "Q1";
    info.bounce_recipients = {rcpt};
    return info;
}

const std::string kVerpRcpt = "bounces+8c1a7e2e-4a55-4c41-9a3e-2f1d0b6a7c11@lists.example.com";

}  // namespace

TEST_CASE("a DSN is recorded once and the same DSN again is a duplicate") {
    TempOutbox box;
    OutboxCapturer capturer(config_with(), *box.outbox);
    const std::string dsn = read_fixture("dsn-hard-listmonk.eml");

    const CaptureOutcome first = capturer.capture(dsn, info_for(kVerpRcpt));
    REQUIRE(first.status == S::recorded);
    REQUIRE(first.events.size() == 1);
    CHECK(first.events[0].recipient == "alice@dest.example");
    CHECK(first.events[0].type == "hard");
    CHECK(first.events[0].reason == "userunknown");
    CHECK(first.duplicates == 0);

    const CaptureOutcome again = capturer.capture(dsn, info_for(kVerpRcpt));
    CHECK(again.status == S::recorded);
    CHECK(again.duplicates == 1);

    const auto stats = box.outbox->stats();
    REQUIRE(stats.size() == 1);
    CHECK(stats[0].pending == 1);
}

TEST_CASE("a human reply to the bounce address is not a bounce") {
    TempOutbox box;
    OutboxCapturer capturer(config_with(), *box.outbox);
    CHECK(capturer.capture(read_fixture("human-reply.eml"), info_for(kVerpRcpt)).status == S::not_bounce);
    CHECK(box.outbox->stats()[0].pending == 0);
}

TEST_CASE("delay warnings are filtered unless forward_delayed") {
    std::string delayed = read_fixture("dsn-hard-listmonk.eml");
    delayed = replace_all(delayed, "Action: failed", "Action: delayed");
    delayed = replace_all(delayed, "Status: 5.1.1", "Status: 4.2.2");
    delayed = replace_all(delayed, "550 5.1.1", "452 4.2.2");
    TempOutbox box;
    {
        OutboxCapturer capturer(config_with(false), *box.outbox);
        const CaptureOutcome outcome = capturer.capture(delayed, info_for(kVerpRcpt));
        CHECK(outcome.status == S::filtered);
        CHECK_FALSE(outcome.events.empty());
        CHECK(box.outbox->stats()[0].pending == 0);
    }
    {
        OutboxCapturer capturer(config_with(true), *box.outbox);
        const CaptureOutcome outcome = capturer.capture(delayed, info_for(kVerpRcpt));
        CHECK(outcome.status == S::recorded);
        REQUIRE(outcome.events.size() == 1);
        CHECK(outcome.events[0].type == "soft");
        CHECK(box.outbox->stats()[0].pending == 1);
    }
}

TEST_CASE("garbage and truncated input never throw") {
    TempOutbox box;
    OutboxCapturer capturer(config_with(), *box.outbox);
    const std::string dsn = read_fixture("dsn-hard-listmonk.eml");
    for (std::size_t cut : {std::size_t{0}, std::size_t{1}, std::size_t{100}, dsn.size() / 2}) {
        CaptureOutcome outcome;
        CHECK_NOTHROW(outcome = capturer.capture(std::string_view(dsn).substr(0, cut), info_for(kVerpRcpt)));
        CHECK(outcome.status != S::failed);
    }
    CHECK_NOTHROW(capturer.capture(std::string(5000, '\0'), info_for(kVerpRcpt)));
}
