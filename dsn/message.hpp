// The parts of a message that bounce decoding looks at, extracted once with GMime so that no
// decoder walks the MIME tree or decodes a transfer encoding a second time.
#pragma once

#include "dsn/fields.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dsn {

struct Message {
    Fields headers;             // top-level header fields (values unfolded, not RFC 2047-decoded)
    std::string subject;        // RFC 2047-decoded Subject
    std::string from;           // RFC 2047-decoded From
    std::string content_type;   // lower-case "type/subtype" of the top-level part
    std::string report_type;    // lower-case report-type parameter of a multipart/report, if any
    bool is_multipart = false;

    std::vector<std::string> delivery_status;   // decoded message/(global-)delivery-status parts
    std::vector<std::string> feedback_reports;  // decoded message/feedback-report parts
    bool has_disposition_notification = false;  // an MDN read receipt (RFC 8098)

    // Human-readable text in UTF-8: the text/plain parts outside the returned message (HTML
    // converted to text when a part has no plain alternative). For a non-MIME message: its body.
    std::string text;

    bool has_returned_message = false;  // a message/rfc822 or text/rfc822-headers part exists
    Fields returned_headers;            // header fields of the returned original

    std::string_view header(std::string_view name) const { return headers.get(name); }

    // Derived from the fields above on first use and kept: dozens of dialects ask for them per
    // message, and working them out again each time was a sixth of the parse.
    // The From address, normalized (address::normalize), or empty when From holds none.
    const std::string& from_address() const;
    // `text` up to where the copy of the returned original begins (dialects::before_returned_message).
    std::string_view human_text() const;

private:
    mutable std::optional<std::string> from_address_;
    mutable std::optional<std::size_t> human_text_size_;
};

// Builds the model from a message whose line endings are already LF. Returns nullopt when GMime
// finds no message at all (empty input, garbage).
std::optional<Message> load_message(std::string_view normalized_bytes);

}  // namespace dsn
