// A bounce dialect: one MTA's or provider's way of writing a failure report. Each dialect lives in
// its own file under dsn/dialects/ and is listed once in dialects/registry.cpp.
#pragma once

#include "dsn/finding.hpp"
#include "dsn/message.hpp"

#include <span>
#include <string_view>
#include <vector>

namespace dsn {

struct Dialect {
    std::string_view name;
    // Cheap test on headers, subject, sender or the first lines of text. It runs for every
    // message, so it must never scan a whole body.
    bool (*matches)(const Message& message);
    // Extracts the failed recipients; an empty result lets later dialects and the generic decoders try.
    std::vector<Finding> (*decode)(const Message& message);
};

// Every registered dialect, in the order they are tried (specific ones before broad ones).
std::span<const Dialect> registered_dialects();

// Decoders that are not dialects of one MTA.
std::vector<Finding> decode_rfc3464(const Message& message);   // message/delivery-status parts
std::vector<Finding> decode_arf(const Message& message);       // feedback reports (complaints)
std::vector<Finding> decode_free_text(const Message& message); // last resort for unknown formats
bool is_auto_reply(const Message& message);
// Comes from a mail system, or is machine-made with failure wording: a person's mail is not,
// whatever dialect its headers resemble (an Office 365 header, a list server's X-Mailer).
bool looks_like_failure_notice(const Message& message);
// The subject alone says vacation, out-of-office or challenge-response.
bool has_auto_reply_subject(const Message& message);

}  // namespace dsn
