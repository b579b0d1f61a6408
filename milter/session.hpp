// Per-connection milter logic, free of libmilter so it can be unit-tested: the callbacks translate the
// MTA's commands into these calls and the returned verdicts into SMFIS_* codes.
//
// Lifecycle: one Session per MTA connection; a connection carries zero or more messages. Per-message
// state is reset on every MAIL, on abort (which Postfix may send twice) and on close.
#pragma once

#include "milter/capturer.hpp"
#include "milter/message_buffer.hpp"
#include "milter/policy.hpp"

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace milter {

enum class Verdict { proceed, accept, discard, tempfail, skip };

const char* to_string(Verdict verdict) noexcept;

// The raw MAIL argument of a message the MTA did not receive over SMTP: Postfix passes its own bounces
// (internal_mail_filter_classes) and sendmail(1) mail to non_smtpd_milters without angle brackets.
bool is_internal_sender(std::string_view raw_sender) noexcept;

struct EndOfMessage {
    Verdict verdict = Verdict::accept;
    std::vector<std::string> delete_recipients;                  // raw RCPT arguments, for smfi_delrcpt
    std::vector<std::pair<std::string, std::string>> add_headers;  // for smfi_addheader
    CaptureOutcome outcome;
    bool internal = false;      // message did not come over SMTP (Postfix's own bounce, sendmail(1))
    bool truncated = false;     // more than max_message_bytes arrived; the prefix was parsed
    std::string queue_id;
};

class Session {
public:
    using PolicySource = std::function<std::shared_ptr<const Policy>()>;

    explicit Session(PolicySource policy_source) : policy_source_(std::move(policy_source)) {}

    // Set once from the negotiation: whether header values arrive with their leading whitespace.
    void set_header_value_has_leading_space(bool yes) { header_leading_space_ = yes; }
    bool header_value_has_leading_space() const { return header_leading_space_; }

    // `sender` is the raw MAIL argument: "<>" or "<a@b>" over SMTP; "" or "a@b" (no brackets) for
    // mail Postfix injects itself (non_smtpd_milters), which marks the message as internal.
    Verdict on_mail(std::string_view sender);
    // `rcpt_addr` is the {rcpt_addr} macro when the MTA sent it, else empty; either form may match.
    // Never accepts here: ACCEPT at RCPT would end filtering for the whole message.
    Verdict on_rcpt(std::string_view raw_recipient, std::string_view rcpt_addr = {});
    // Messages without a bounce recipient are accepted here, before any header or body is sent.
    Verdict on_data();
    Verdict on_header(std::string_view name, std::string_view value);
    Verdict on_end_of_headers();
    // Returns skip once max_message_bytes are kept (if the MTA understands SKIP, else proceed).
    Verdict on_body(std::string_view chunk);
    EndOfMessage on_end_of_message(std::string_view queue_id);
    void on_abort();
    void on_close();

    void set_mta_understands_skip(bool yes) { mta_skips_ = yes; }

    // For tests and logs.
    bool in_message() const { return policy_ != nullptr; }
    bool has_bounce_recipient() const { return bounce_recipients_ > 0; }
    std::size_t kept_bytes() const { return buffer_.size(); }
    bool internal() const { return internal_; }

private:
    struct BounceRecipient {
        std::string raw;         // as given in RCPT, for smfi_delrcpt
        std::string normalized;  // bare lowercase address
    };
    // Postfix's default smtpd_recipient_limit; past it recipients are counted, not stored.
    static constexpr std::size_t kMaxStoredRecipients = 1000;

    void reset_message();
    // Starts a message lazily when an MTA skipped MAIL (defensive; libmilter always sends it).
    const Policy& policy();
    Verdict accept_unless_bounce();

    PolicySource policy_source_;
    std::shared_ptr<const Policy> policy_;
    bool header_leading_space_ = false;
    bool mta_skips_ = true;

    // Per-message state.
    std::string sender_;
    bool internal_ = false;
    std::vector<BounceRecipient> bounce_list_;
    std::size_t bounce_recipients_ = 0;
    std::size_t other_recipients_ = 0;
    MessageBuffer buffer_;
};

}  // namespace milter
