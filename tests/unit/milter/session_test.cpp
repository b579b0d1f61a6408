#include "milter/session.hpp"

#include <catch2/catch.hpp>
#include <memory>
#include <stdexcept>
#include <string>

using namespace milter;
using S = CaptureOutcome::Status;

namespace {

// Records what the session handed over and answers with a preset outcome.
struct FakeCapturer : Capturer {
    CaptureOutcome next;
    bool throw_instead = false;
    int calls = 0;
    std::string last_message;
    MessageInfo last_info;

    CaptureOutcome capture(std::string_view message, const MessageInfo& info) override {
        ++calls;
        last_message = std::string(message);
        last_info = info;
        if (throw_instead) throw std::runtime_error("disk full");
        return next;
    }
};

struct Fixture {
    std::shared_ptr<FakeCapturer> capturer = std::make_shared<FakeCapturer>();
    conf::MilterConfig config;
    std::shared_ptr<const Policy> policy;
    int policy_fetches = 0;
    Session session{[this] {
        ++policy_fetches;
        return policy;
    }};

    Fixture() {
        config.bounce_addresses = {"bounces@lists.example.com"};
        rebuild();
        capturer->next.status = S::recorded;
        capturer->next.events = {{"user@dest.example", "hard", "userunknown", "other"}};
    }
    void rebuild() { policy = std::make_shared<const Policy>(config, capturer); }

    // A DSN over SMTP to the given recipients, up to and including the body.
    void send_bounce(std::initializer_list<const char*> rcpts, std::string_view sender = "<>") {
        REQUIRE(session.on_mail(sender) == Verdict::proceed);
        for (const char* r : rcpts) REQUIRE(session.on_rcpt(r) == Verdict::proceed);
        REQUIRE(session.on_data() == Verdict::proceed);
        REQUIRE(session.on_header("Subject", "Undelivered Mail") == Verdict::proceed);
        REQUIRE(session.on_end_of_headers() == Verdict::proceed);
        REQUIRE(session.on_body("report\r\n") == Verdict::proceed);
    }
};

}  // namespace

TEST_CASE_METHOD(Fixture, "a message without a bounce recipient is accepted at DATA, never at RCPT") {
    CHECK(session.on_mail("<alice@example.org>") == Verdict::proceed);
    CHECK(session.on_rcpt("<bob@lists.example.com>") == Verdict::proceed);
    CHECK(session.on_rcpt("<carol@lists.example.com>") == Verdict::proceed);
    CHECK(session.on_data() == Verdict::accept);
    CHECK(capturer->calls == 0);
}

TEST_CASE_METHOD(Fixture, "without a DATA step the first header accepts a non-bounce message") {
    session.on_mail("<alice@example.org>");
    session.on_rcpt("<bob@lists.example.com>");
    CHECK(session.on_header("Subject", "hi") == Verdict::accept);
    CHECK(session.kept_bytes() == 0);
}

TEST_CASE_METHOD(Fixture, "a later bounce recipient keeps the message in scope") {
    session.on_mail("<>");
    CHECK(session.on_rcpt("<bob@lists.example.com>") == Verdict::proceed);
    CHECK(session.on_rcpt("<Bounces+tok@Lists.Example.com>") == Verdict::proceed);
    CHECK(session.on_data() == Verdict::proceed);
}

TEST_CASE_METHOD(Fixture, "either the raw RCPT argument or the {rcpt_addr} macro may match") {
    SECTION("macro matches") {
        session.on_mail("<>");
        session.on_rcpt("<weird-form>", "bounces+x@lists.example.com");
        CHECK(session.on_data() == Verdict::proceed);
    }
    SECTION("argument matches, macro is Sendmail's local mailer address without domain") {
        session.on_mail("<>");
        session.on_rcpt("<bounces+x@lists.example.com>", "bounces+x");
        CHECK(session.on_data() == Verdict::proceed);
        CHECK(session.on_end_of_message("Q").verdict == Verdict::discard);
        CHECK(capturer->last_info.bounce_recipients == std::vector<std::string>{"bounces+x@lists.example.com"});
    }
    SECTION("neither matches") {
        session.on_mail("<>");
        session.on_rcpt("<bob@lists.example.com>", "bob@lists.example.com");
        CHECK(session.on_data() == Verdict::accept);
    }
}

TEST_CASE_METHOD(Fixture, "a recorded bounce to only bounce recipients is discarded") {
    send_bounce({"<bounces+c0ffee@lists.example.com>"});
    const EndOfMessage eom = session.on_end_of_message("4ABCD");
    CHECK(eom.verdict == Verdict::discard);
    CHECK(eom.delete_recipients.empty());
    CHECK_FALSE(eom.internal);
    CHECK(eom.queue_id == "4ABCD");
    CHECK(capturer->calls == 1);
    CHECK(capturer->last_info.queue_id == "4ABCD");
    CHECK(capturer->last_info.sender.empty());
    REQUIRE(capturer->last_info.bounce_recipients.size() == 1);
    CHECK(capturer->last_info.bounce_recipients[0] == "bounces+c0ffee@lists.example.com");
    CHECK(capturer->last_message == "Subject: Undelivered Mail\r\n\r\nreport\r\n");
}

TEST_CASE_METHOD(Fixture, "mixed recipients: bounce copies are deleted, the others delivered") {
    send_bounce({"<bounces+a@lists.example.com>", "<postmaster@lists.example.com>", "<BOUNCES@lists.example.com>"});
    const EndOfMessage eom = session.on_end_of_message("Q1");
    CHECK(eom.verdict == Verdict::accept);
    CHECK(eom.delete_recipients ==
          std::vector<std::string>{"<bounces+a@lists.example.com>", "<BOUNCES@lists.example.com>"});
}

TEST_CASE_METHOD(Fixture, "a message to the bounce address that is no bounce is accepted") {
    capturer->next = {};
    capturer->next.status = S::not_bounce;
    send_bounce({"<bounces@lists.example.com>"}, "<human@example.org>");
    const EndOfMessage eom = session.on_end_of_message("Q2");
    CHECK(eom.verdict == Verdict::accept);
    CHECK(eom.delete_recipients.empty());
    CHECK(eom.add_headers.empty());
}

TEST_CASE_METHOD(Fixture, "a report without extractable events is delivered for a human to read") {
    capturer->next = {};
    capturer->next.status = S::bounce_without_events;
    send_bounce({"<bounces@lists.example.com>"});
    CHECK(session.on_end_of_message("Q").verdict == Verdict::accept);
}

TEST_CASE_METHOD(Fixture, "filtered reports (delay warnings) follow on_bounce like recorded ones") {
    capturer->next.status = S::filtered;
    send_bounce({"<bounces@lists.example.com>"});
    CHECK(session.on_end_of_message("Q").verdict == Verdict::discard);
}

TEST_CASE_METHOD(Fixture, "on_bounce = accept delivers, tag adds X-Bounce headers") {
    SECTION("accept") {
        config.on_bounce = conf::OnBounce::accept;
        rebuild();
        send_bounce({"<bounces@lists.example.com>"});
        const EndOfMessage eom = session.on_end_of_message("Q");
        CHECK(eom.verdict == Verdict::accept);
        CHECK(eom.add_headers.empty());
    }
    SECTION("tag") {
        config.on_bounce = conf::OnBounce::tag;
        rebuild();
        capturer->next.events = {{"a@x", "hard", "userunknown", "other"}, {"b@x", "soft", "mailboxfull", "other"}, {"c@x", "hard", "userunknown", "other"}};
        send_bounce({"<bounces@lists.example.com>"});
        const EndOfMessage eom = session.on_end_of_message("Q");
        CHECK(eom.verdict == Verdict::accept);
        using H = std::pair<std::string, std::string>;
        CHECK(eom.add_headers == std::vector<H>{{"X-Bounce-Type", "hard, soft"}, {"X-Bounce-Reason", "userunknown, mailboxfull"}});
    }
}

TEST_CASE_METHOD(Fixture, "an outbox failure follows on_error") {
    capturer->next = {};
    capturer->next.status = S::failed;
    SECTION("tempfail by default over SMTP") {
        send_bounce({"<bounces@lists.example.com>"});
        CHECK(session.on_end_of_message("Q").verdict == Verdict::tempfail);
    }
    SECTION("accept when configured") {
        config.on_error = conf::OnError::accept;
        rebuild();
        send_bounce({"<bounces@lists.example.com>"});
        CHECK(session.on_end_of_message("Q").verdict == Verdict::accept);
    }
    SECTION("a throwing capturer counts as a failure") {
        capturer->throw_instead = true;
        send_bounce({"<bounces@lists.example.com>"});
        const EndOfMessage eom = session.on_end_of_message("Q");
        CHECK(eom.verdict == Verdict::tempfail);
        CHECK(eom.outcome.error == "disk full");
    }
}

TEST_CASE_METHOD(Fixture, "Postfix's own bounces (no brackets) are captured and never tempfailed") {
    REQUIRE(session.on_mail("") == Verdict::proceed);
    CHECK(session.internal());
    REQUIRE(session.on_rcpt("bounces+d00d@lists.example.com") == Verdict::proceed);
    REQUIRE(session.on_data() == Verdict::proceed);
    session.on_header("From", "MAILER-DAEMON");
    SECTION("recorded -> discarded") {
        const EndOfMessage eom = session.on_end_of_message("Q");
        CHECK(eom.internal);
        CHECK(eom.verdict == Verdict::discard);
    }
    SECTION("outbox failure -> accepted despite on_error = tempfail") {
        capturer->next.status = S::failed;
        CHECK(session.on_end_of_message("Q").verdict == Verdict::accept);
    }
}

TEST_CASE_METHOD(Fixture, "per-message state is reset on MAIL, abort (even twice) and close") {
    send_bounce({"<bounces@lists.example.com>"});
    CHECK(session.has_bounce_recipient());
    CHECK(session.kept_bytes() > 0);

    session.on_abort();
    session.on_abort();
    CHECK_FALSE(session.in_message());
    CHECK_FALSE(session.has_bounce_recipient());
    CHECK(session.kept_bytes() == 0);

    // The next message on the same connection starts clean.
    session.on_mail("<a@example.org>");
    session.on_rcpt("<b@example.org>");
    CHECK(session.on_data() == Verdict::accept);

    send_bounce({"<bounces@lists.example.com>"});
    session.on_mail("<a@example.org>");  // MAIL without EOM (RSET) also resets
    CHECK_FALSE(session.has_bounce_recipient());
    CHECK(session.kept_bytes() == 0);

    send_bounce({"<bounces@lists.example.com>"});
    session.on_close();
    CHECK_FALSE(session.in_message());
    CHECK(capturer->calls == 0);
}

TEST_CASE_METHOD(Fixture, "a message keeps the policy it started with across a reload") {
    session.on_mail("<>");
    session.on_rcpt("<bounces@lists.example.com>");
    config.bounce_addresses = {"other@example.com"};
    rebuild();
    CHECK(session.on_data() == Verdict::proceed);
    CHECK(session.on_end_of_message("Q").verdict == Verdict::discard);
    session.on_mail("<>");
    session.on_rcpt("<bounces@lists.example.com>");
    CHECK(session.on_data() == Verdict::accept);
}

TEST_CASE_METHOD(Fixture, "memory is capped at max_message_bytes and SKIP is requested") {
    config.max_message_bytes = 100;
    rebuild();
    session.on_mail("<>");
    session.on_rcpt("<bounces@lists.example.com>");
    session.on_data();
    session.on_header("Subject", "x");
    const std::string chunk(60, 'a');
    CHECK(session.on_body(chunk) == Verdict::proceed);
    CHECK(session.on_body(chunk) == Verdict::skip);
    CHECK(session.kept_bytes() == 100);
    const EndOfMessage eom = session.on_end_of_message("Q");
    CHECK(eom.truncated);
    CHECK(capturer->last_message.size() == 100);
    CHECK(eom.verdict == Verdict::discard);
}

TEST_CASE_METHOD(Fixture, "without SKIP support the body is drained but not kept") {
    config.max_message_bytes = 50;
    rebuild();
    session.set_mta_understands_skip(false);
    session.on_mail("<>");
    session.on_rcpt("<bounces@lists.example.com>");
    session.on_data();
    CHECK(session.on_body(std::string(80, 'a')) == Verdict::proceed);
    CHECK(session.on_body(std::string(80, 'a')) == Verdict::proceed);
    CHECK(session.kept_bytes() == 50);
}

TEST_CASE_METHOD(Fixture, "an end of message without a bounce recipient accepts without capturing") {
    session.on_mail("<a@example.org>");
    session.on_rcpt("<b@example.org>");
    CHECK(session.on_end_of_message("Q").verdict == Verdict::accept);
    CHECK(capturer->calls == 0);
}

TEST_CASE("is_internal_sender: SMTP MAIL arguments have brackets, Postfix's own mail has none") {
    CHECK_FALSE(is_internal_sender("<>"));
    CHECK_FALSE(is_internal_sender("<a@b.example>"));
    CHECK(is_internal_sender(""));
    CHECK(is_internal_sender("bounces+x@lists.example.com"));
}
