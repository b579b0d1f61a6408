// What bounce-milter counts for /metrics. Called from libmilter's callbacks, so every method is
// noexcept and lock-free once a label combination has been seen: counting must never change the
// answer the MTA gets, nor make a message wait.
#pragma once

#include "metrics/registry.hpp"
#include "milter/session.hpp"

namespace milter {

class MilterMetrics {
public:
    // Registers bounce_milter_* families in `registry` (which must outlive this object).
    explicit MilterMetrics(metrics::Registry& registry);

    // A message accepted before its content was sent: no recipient is a bounce address.
    void count_passed() noexcept;
    // A message as answered at end of message; `to_bounce_address` is whether any recipient was one
    // (Session::has_bounce_recipient() before on_end_of_message()).
    void count_end_of_message(const EndOfMessage& eom, bool to_bounce_address) noexcept;
    // Time dsn::parse took for one message (the capturer measures it).
    metrics::Histogram& parse_seconds() noexcept { return parse_seconds_; }

private:
    metrics::CounterFamily& messages_;
    metrics::CounterFamily& bounces_;
    metrics::Counter& duplicates_;
    metrics::CounterFamily& held_;
    metrics::Counter& truncated_;
    metrics::Histogram& parse_seconds_;
};

// Label values as exposed (snake_case, stable across log wording changes).
const char* outcome_label(CaptureOutcome::Status status) noexcept;
const char* action_label(const EndOfMessage& eom) noexcept;
// One of dsn::receivers::families(): anything else (an event written by an older version without
// the field) is "other", so the label's values stay a fixed, small set.
std::string_view receiver_label(std::string_view receiver) noexcept;

}  // namespace milter
