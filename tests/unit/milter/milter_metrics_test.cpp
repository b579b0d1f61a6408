// What bounce-milter's /metrics shows for the messages it answered, and the parse-time histogram the
// capturer feeds.
#include "milter/milter_metrics.hpp"
#include "milter/outbox_capturer.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <unistd.h>

using milter::CaptureOutcome;
using milter::EndOfMessage;
using milter::MilterMetrics;
using milter::Verdict;
using S = CaptureOutcome::Status;

namespace {

bool has_line(const std::string& text, const std::string& line) { return text.find(line + "\n") != std::string::npos; }

EndOfMessage recorded(Verdict verdict, std::vector<milter::CapturedEvent> events, std::size_t duplicates = 0) {
    EndOfMessage eom;
    eom.verdict = verdict;
    eom.outcome.status = S::recorded;
    eom.outcome.events = std::move(events);
    eom.outcome.duplicates = duplicates;
    return eom;
}

}  // namespace

TEST_CASE("milter metrics: messages by outcome and action, bounces by type, reason and receiver") {
    metrics::Registry registry;
    MilterMetrics m(registry);
    const std::string before = registry.render();
    CHECK(has_line(before, "bounce_milter_messages_total{outcome=\"recorded\",action=\"discard\"} 0"));

    m.count_end_of_message(recorded(Verdict::discard, {{"a@x", "hard", "userunknown", "google"}}), true);
    m.count_end_of_message(
        recorded(Verdict::discard, {{"b@x", "hard", "userunknown", "google"}, {"c@x", "soft", "mailboxfull", "other"}}, 1),
        true);
    // A receiver name outside the fixed family set (an event stored by another version) counts as other.
    EndOfMessage others = recorded(Verdict::accept, {{"d@x", "complaint", "feedback", "mx.attacker.example"}});
    others.delete_recipients = {"<bounces@lists.example.com>"};
    others.truncated = true;
    m.count_end_of_message(others, true);
    EndOfMessage human;
    human.verdict = Verdict::accept;
    human.outcome.status = S::not_bounce;
    m.count_end_of_message(human, true);
    EndOfMessage failed;
    failed.verdict = Verdict::tempfail;
    failed.outcome.status = S::failed;
    m.count_end_of_message(failed, true);
    m.count_passed();
    m.count_end_of_message(EndOfMessage{}, false);  // no bounce recipient, seen only at end of message

    const std::string text = registry.render();
    CHECK(has_line(text, "bounce_milter_messages_total{outcome=\"recorded\",action=\"discard\"} 2"));
    CHECK(has_line(text, "bounce_milter_messages_total{outcome=\"recorded\",action=\"deliver_others\"} 1"));
    CHECK(has_line(text, "bounce_milter_messages_total{outcome=\"not_bounce\",action=\"accept\"} 1"));
    CHECK(has_line(text, "bounce_milter_messages_total{outcome=\"failed\",action=\"tempfail\"} 1"));
    CHECK(has_line(text, "bounce_milter_messages_total{outcome=\"no_bounce_recipient\",action=\"accept\"} 2"));
    CHECK(has_line(text, "bounce_milter_bounces_total{type=\"hard\",reason=\"userunknown\",receiver=\"google\"} 2"));
    CHECK(has_line(text, "bounce_milter_bounces_total{type=\"soft\",reason=\"mailboxfull\",receiver=\"other\"} 1"));
    CHECK(has_line(text, "bounce_milter_bounces_total{type=\"complaint\",reason=\"feedback\",receiver=\"other\"} 1"));
    CHECK(text.find("attacker") == std::string::npos);
    CHECK(has_line(text, "bounce_milter_duplicate_events_total 1"));
    CHECK(has_line(text, "bounce_milter_truncated_messages_total 1"));
}

TEST_CASE("milter metrics: held events by reason, not counted as bounces") {
    metrics::Registry registry;
    MilterMetrics m(registry);
    CHECK(has_line(registry.render(), "bounce_milter_held_events_total{reason=\"suspect\"} 0"));
    EndOfMessage suspect;
    suspect.verdict = Verdict::discard;
    suspect.outcome.status = S::held;
    suspect.outcome.held_reason = "suspect";
    suspect.outcome.held = std::vector<milter::CapturedEvent>(50, {"v@x", "hard", "userunknown", "other"});
    m.count_end_of_message(suspect, true);
    // A report forwarding one event and holding another.
    EndOfMessage mixed = recorded(Verdict::discard, {{"a@x", "hard", "userunknown", "other"}});
    mixed.outcome.held_reason = "unattributed";
    mixed.outcome.held = {{"b@x", "hard", "userunknown", "other"}};
    m.count_end_of_message(mixed, true);

    const std::string text = registry.render();
    CHECK(has_line(text, "bounce_milter_messages_total{outcome=\"held\",action=\"discard\"} 1"));
    CHECK(has_line(text, "bounce_milter_messages_total{outcome=\"recorded\",action=\"discard\"} 1"));
    CHECK(has_line(text, "bounce_milter_held_events_total{reason=\"suspect\"} 50"));
    CHECK(has_line(text, "bounce_milter_held_events_total{reason=\"unattributed\"} 1"));
    CHECK(has_line(text, "bounce_milter_bounces_total{type=\"hard\",reason=\"userunknown\",receiver=\"other\"} 1"));
}

TEST_CASE("milter metrics: the capturer times every parse") {
    char tmpl[] = "/tmp/milter-metrics-test-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    const std::string dir = tmpl;
    {
        forwarder::Outbox outbox(dir + "/outbox.sqlite", {"file"});
        auto config = std::make_shared<conf::Config>();
        config->milter.emplace();
        config->milter->bounce_addresses = {"bounces@lists.example.com"};
        metrics::Registry registry;
        MilterMetrics m(registry);
        milter::OutboxCapturer capturer(config, outbox, &m.parse_seconds());

        std::ifstream in(std::string(MILTER_FIXTURES_DIR) + "/dsn-hard-listmonk.eml", std::ios::binary);
        std::ostringstream dsn;
        dsn << in.rdbuf();
        milter::MessageInfo info;
        info.bounce_recipients = {"bounces@lists.example.com"};
        CHECK(capturer.capture(dsn.str(), info).status == S::recorded);
        CHECK(capturer.capture("Subject: hello\r\n\r\nJust a reply.\r\n", info).status == S::not_bounce);

        const auto snapshot = m.parse_seconds().snapshot();
        CHECK(snapshot.count() == 2);
        CHECK(snapshot.sum > 0);
        CHECK(snapshot.sum < 2.0);
    }
    std::system(("rm -rf '" + dir + "'").c_str());
}
