// Rebuilds a message's bytes from the milter header and body callbacks, keeping at most a fixed number
// of bytes so a huge "bounce" cannot exhaust memory. DSN machine-readable parts sit near the start of a
// message, so the kept prefix is what the parser needs.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace milter {

class MessageBuffer {
public:
    explicit MessageBuffer(std::size_t max_bytes = 1u << 20) : max_bytes_(max_bytes) {}

    // Starts a new message with a (possibly new) limit; releases the memory of the previous one.
    void reset(std::size_t max_bytes);

    // `value_has_leading_space` tells whether the MTA passed the value exactly as written after the
    // colon (SMFIP_HDR_LEADSPC); otherwise the conventional single space is put back. Folded values keep
    // their folding; bare LFs inside them become CRLF like the body's line ends.
    void add_header(std::string_view name, std::string_view value, bool value_has_leading_space);

    // Returns false once the limit is reached: the caller can stop the MTA from sending more.
    bool add_body(std::string_view chunk);

    // The message as kept so far (headers, blank line, body prefix).
    std::string_view bytes();

    bool truncated() const { return truncated_; }
    bool full() const { return data_.size() >= max_bytes_; }
    std::size_t size() const { return data_.size(); }

private:
    void end_headers();
    // Appends as much of `piece` as the limit allows.
    void append_bounded(std::string_view piece);

    std::size_t max_bytes_;
    std::string data_;
    bool headers_done_ = false;
    bool truncated_ = false;
};

}  // namespace milter
