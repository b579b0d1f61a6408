#include "milter/session.hpp"

#include <algorithm>

namespace milter {

const char* to_string(Verdict verdict) noexcept {
    switch (verdict) {
        case Verdict::proceed: return "continue";
        case Verdict::accept: return "accept";
        case Verdict::discard: return "discard";
        case Verdict::tempfail: return "tempfail";
        case Verdict::skip: return "skip";
    }
    return "?";
}

const char* to_string(CaptureOutcome::Status status) noexcept {
    using S = CaptureOutcome::Status;
    switch (status) {
        case S::not_bounce: return "not-bounce";
        case S::bounce_without_events: return "bounce-without-events";
        case S::filtered: return "filtered";
        case S::recorded: return "recorded";
        case S::held: return "held";
        case S::failed: return "failed";
    }
    return "?";
}

bool is_internal_sender(std::string_view raw_sender) noexcept {
    return raw_sender.empty() || raw_sender.front() != '<';
}

void Session::reset_message() {
    policy_.reset();
    sender_.clear();
    internal_ = false;
    std::vector<BounceRecipient>().swap(bounce_list_);
    bounce_recipients_ = 0;
    other_recipients_ = 0;
    buffer_.reset(0);
}

const Policy& Session::policy() {
    if (!policy_) {
        policy_ = policy_source_();
        buffer_.reset(policy_->max_message_bytes);
    }
    return *policy_;
}

Verdict Session::on_mail(std::string_view sender) {
    reset_message();
    policy();
    // Over SMTP the MTA passes the MAIL argument with brackets; mail Postfix generates itself (bounces
    // via internal_mail_filter_classes) or receives from sendmail(1) arrives without them.
    internal_ = is_internal_sender(sender);
    sender_ = normalize_address(sender);
    return Verdict::proceed;
}

Verdict Session::on_rcpt(std::string_view raw_recipient, std::string_view rcpt_addr) {
    const Policy& p = policy();
    // Postfix's {rcpt_addr} is the bare address; Sendmail's is the mailer's address, which for local
    // delivery lacks the domain. Either form matching puts the recipient in scope.
    std::string_view address = raw_recipient;
    bool bounce = p.scope.matches(raw_recipient);
    if (!bounce && !rcpt_addr.empty() && p.scope.matches(rcpt_addr)) {
        address = rcpt_addr;
        bounce = true;
    }
    if (bounce) {
        ++bounce_recipients_;
        if (bounce_list_.size() < kMaxStoredRecipients)
            bounce_list_.push_back({std::string(raw_recipient), normalize_address(address)});
    } else {
        ++other_recipients_;
    }
    return Verdict::proceed;
}

Verdict Session::accept_unless_bounce() {
    policy();
    return bounce_recipients_ == 0 ? Verdict::accept : Verdict::proceed;
}

Verdict Session::on_data() { return accept_unless_bounce(); }

Verdict Session::on_header(std::string_view name, std::string_view value) {
    // An MTA that skips DATA (or a filter that negotiated it away) still gets its answer before the body.
    if (accept_unless_bounce() == Verdict::accept) return Verdict::accept;
    buffer_.add_header(name, value, header_leading_space_);
    return Verdict::proceed;
}

Verdict Session::on_end_of_headers() { return accept_unless_bounce(); }

Verdict Session::on_body(std::string_view chunk) {
    if (accept_unless_bounce() == Verdict::accept) return Verdict::accept;
    if (!buffer_.add_body(chunk)) return mta_skips_ ? Verdict::skip : Verdict::proceed;
    return Verdict::proceed;
}

namespace {

std::string join_unique(const std::vector<CapturedEvent>& events, std::string CapturedEvent::*field) {
    std::vector<std::string> seen;
    std::string out;
    for (const auto& e : events) {
        const std::string& v = e.*field;
        if (v.empty() || std::find(seen.begin(), seen.end(), v) != seen.end()) continue;
        seen.push_back(v);
        if (!out.empty()) out += ", ";
        out += v;
    }
    return out;
}

}  // namespace

EndOfMessage Session::on_end_of_message(std::string_view queue_id) {
    EndOfMessage result;
    const Policy& p = policy();
    result.internal = internal_;
    result.queue_id = std::string(queue_id);

    if (bounce_recipients_ == 0) {
        result.verdict = Verdict::accept;
        reset_message();
        return result;
    }

    MessageInfo info;
    info.queue_id = result.queue_id;
    info.sender = sender_;
    for (const auto& r : bounce_list_) info.bounce_recipients.push_back(r.normalized);

    const std::string_view message = buffer_.bytes();
    result.truncated = buffer_.truncated();
    try {
        result.outcome = p.capturer ? p.capturer->capture(message, info) : CaptureOutcome{};
    } catch (const std::exception& e) {
        result.outcome = CaptureOutcome{};
        result.outcome.status = CaptureOutcome::Status::failed;
        result.outcome.error = e.what();
    } catch (...) {
        result.outcome = CaptureOutcome{};
        result.outcome.status = CaptureOutcome::Status::failed;
        result.outcome.error = "unknown error";
    }

    using S = CaptureOutcome::Status;
    switch (result.outcome.status) {
        case S::not_bounce:
        case S::bounce_without_events:
            result.verdict = Verdict::accept;
            break;
        case S::failed:
            // A temporary failure makes the sending MTA retry, so nothing is lost. Postfix's own bounces
            // must not be tempfailed (they would sit in the queue as a configuration error): delivering
            // them to the bounce mailbox loses nothing either.
            result.verdict = (p.on_error == conf::OnError::tempfail && !internal_) ? Verdict::tempfail
                                                                                    : Verdict::accept;
            break;
        case S::filtered:
        case S::recorded:
        case S::held:
            switch (p.on_bounce) {
                case conf::OnBounce::accept:
                    result.verdict = Verdict::accept;
                    break;
                case conf::OnBounce::tag:
                    result.verdict = Verdict::accept;
                    for (auto [name, field] : {std::pair{"X-Bounce-Type", &CapturedEvent::type},
                                               std::pair{"X-Bounce-Reason", &CapturedEvent::reason}}) {
                        std::string value = join_unique(result.outcome.events, field);
                        if (!value.empty()) result.add_headers.emplace_back(name, std::move(value));
                    }
                    break;
                case conf::OnBounce::discard:
                    // DISCARD is message-wide: with other recipients only the bounce copies are removed.
                    if (other_recipients_ == 0) {
                        result.verdict = Verdict::discard;
                    } else if (bounce_recipients_ == bounce_list_.size()) {
                        result.verdict = Verdict::accept;
                        for (const auto& r : bounce_list_) result.delete_recipients.push_back(r.raw);
                    } else {
                        // Too many recipients to have kept them all: deliver rather than guess.
                        result.verdict = Verdict::accept;
                    }
                    break;
            }
            break;
    }
    reset_message();
    return result;
}

void Session::on_abort() { reset_message(); }

void Session::on_close() { reset_message(); }

}  // namespace milter
