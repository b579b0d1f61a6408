// Helpers shared by the dialect decoders, so each dialect file only states its own markers.
#pragma once

#include "dsn/finding.hpp"
#include "dsn/message.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace dsn::dialects {

// The part of `text` before the copy of the returned original begins (markers such as
// "Below this line is a copy of the message"), so no heuristic ever reads our own newsletter.
std::string_view before_returned_message(std::string_view text);

// Completes a finding from its diagnostic text: reply code, enhanced status, the SMTP command
// ("in reply to RCPT TO command", ">>> DATA") and the remote host ("host mx.example.net[...] said:").
void complete_from_diagnostic(Finding& finding);

// The first `limit` bytes of the message text: enough for any dialect's opening lines.
std::string_view text_head(const Message& message, std::size_t limit = 2048);

// True when the From header's address has a local part such as MAILER-DAEMON or postmaster.
bool from_mailer_daemon(const Message& message);

// Removes "> " e-mail quoting from every line (a bounce forwarded by a person).
std::string unquote(std::string_view text);

// RFC 3464 fields written into plain text (forwarded bounces, Amazon WorkMail, some appliances).
std::vector<Finding> decode_inline_delivery_status(std::string_view text);

// Collects "<addr>: reason" / "addr: reason" paragraphs (with indented continuation lines), the
// layout of Postfix, OpenSMTPD, DMA and several appliances.
std::vector<Finding> decode_address_paragraphs(std::string_view text);

}  // namespace dsn::dialects
