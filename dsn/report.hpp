// Public API of the dsn library: raw message bytes in, a bounce report out.
// No I/O, no global mutable state; safe to call from many threads at once.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace dsn {

// What the message is, decided before any event is extracted. Many DSNs also carry
// Auto-Submitted, so "is this a failure report" is answered first and only then "is it an auto-reply".
enum class Kind { none, dsn, arf, autoreply };

enum class BounceType { hard, soft, complaint };

// How an event's recipient, reason and type were decided; filled only when Options::explain asks
// (bounce-parse --explain). The views point into static text.
struct Explanation {
    std::string_view decoder;         // which decoder found the recipient
    std::string_view enriched_by;     // the dialect that added to an RFC 3464 report, if any
    std::string_view reason_rule;     // which rule decided the reason
    std::string_view status_reason;   // what the status code alone says
    bool generic_status = false;      // the status is one servers send for any refusal
    std::string smtp_command;         // the SMTP stage the report names
    std::string diagnostic_type;      // "smtp", "x-unix", ...
    std::string dialect_reason;       // a reason the dialect decided from its own codes
    std::string notice;               // the short human-readable notice read next to the diagnostic
};

struct Event {
    std::string recipient;        // lowercased bare addr-spec
    std::string action;           // RFC 3464 action: "failed" or "delayed" (complaints: "failed")
    std::string status;           // enhanced status "5.1.1", empty when unknown
    std::string reply_code;       // SMTP reply code "550", empty when unknown
    std::string reason;           // Sisimai v5.1 reason vocabulary
    BounceType type = BounceType::soft;
    std::string diagnostic;       // remote reply / human-readable explanation, single line
    std::string remote_mta;       // empty when unknown
    std::string reporting_mta;    // empty when unknown
    std::string receiver;         // receiver family (dsn/receivers.hpp): "google", "microsoft", ..., "other"
    std::string feedback_type;    // ARF Feedback-Type for complaints
    std::string subscriber_uuid;  // X-Listmonk-Subscriber of the returned message, when valid
    std::string campaign_uuid;    // X-Listmonk-Campaign of the returned message, when valid
    std::string original_message_id;  // Message-ID of the returned original
    std::string dialect;          // which decoder produced the event (diagnostics, per-family reports)
    Explanation why;              // empty unless Options::explain
};

struct Report {
    Kind kind = Kind::none;
    std::vector<Event> events;
    std::string message_id;       // Message-ID of the report itself
    std::string error;            // set only when the input could not be read at all
    // The report named more recipients than Options::max_recipients; `events` holds the first ones.
    // No delivery report for one message names that many: treat it as forged.
    bool recipients_capped = false;
};

struct Options {
    // Bytes beyond this are ignored; DSN machine parts sit near the start of a message.
    std::size_t max_bytes = 16u << 20;
    // Record in each Event::why how it was decided (bounce-parse --explain); off in production.
    bool explain = false;
    // Recipients read from one report at most: a forged report can name tens of thousands, and every
    // one costs classification; past this many the rest are not read (Report::recipients_capped).
    std::size_t max_recipients = 1000;
};

// Never throws, never crashes on malformed input.
Report parse(std::string_view message, const Options& options = {}) noexcept;

// Whether an event of type complaint is a subscriber's complaint about mail they got: RFC 5965
// Feedback-Type abuse, fraud or other (Microsoft's JMRP reads as abuse). not-spam, auth-failure,
// virus, Apple Mail's one-click unsubscribe ("opt-out") and unknown types are reported as
// reason "feedback" (Sisimai's vocabulary) but say nothing against the subscriber.
bool is_subscriber_complaint(std::string_view feedback_type) noexcept;

const char* to_string(Kind kind) noexcept;
const char* to_string(BounceType type) noexcept;

}  // namespace dsn
