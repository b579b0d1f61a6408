#include "webhooks/request_head.hpp"

#include <cctype>
#include <charconv>

namespace webhooks {

namespace {

HeadVerdict refuse(int status, std::string reason) {
    HeadVerdict v;
    v.state = HeadVerdict::State::refused;
    v.status = status;
    v.reason = std::move(reason);
    return v;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

bool name_is(std::string_view name, std::string_view wanted) {
    if (name.size() != wanted.size()) return false;
    for (std::size_t i = 0; i < name.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(name[i])) != wanted[i]) return false;
    }
    return true;
}

}  // namespace

HeadVerdict RequestHeadScanner::scan(std::string_view received) {
    while (scanned_ < received.size()) {
        const char c = received[scanned_++];
        if (scanned_ > limits_.max_header_bytes) return refuse(431, "request head too large");
        if (c != '\n') continue;
        const std::string_view line = received.substr(line_start_, scanned_ - line_start_);
        line_start_ = scanned_;
        const bool blank = line == "\n" || line == "\r\n";
        if (blank && lines_ > 0) return framing(received.substr(0, scanned_));
        if (blank) continue;  // stray blank lines before a request line (RFC 9112 2.2): skipped, still counted in bytes
        if (++lines_ > limits_.max_headers + 1) return refuse(431, "too many header lines");
    }
    return {};
}

// The framing of the body, decided once the head is complete. Two different Content-Length values, or
// one beside Transfer-Encoding, are the ambiguity request smuggling lives on: refused, not guessed.
HeadVerdict RequestHeadScanner::framing(std::string_view head) const {
    std::optional<std::size_t> length;
    bool transfer_encoding = false, chunked = false, expects_continue = false;
    std::size_t pos = head.find('\n') + 1;  // past the request line
    while (pos < head.size()) {
        const std::size_t end = head.find('\n', pos);
        const std::string_view line = head.substr(pos, end - pos);
        pos = end + 1;
        const std::size_t colon = line.find(':');
        if (colon == std::string_view::npos) continue;  // the blank line, or a malformed one httplib refuses
        const std::string_view name = line.substr(0, colon);
        const std::string_view value = trim(line.substr(colon + 1));
        if (name_is(name, "content-length")) {
            std::size_t n = 0;
            const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
            if (value.empty() || ec != std::errc() || ptr != value.data() + value.size())
                return refuse(400, "malformed Content-Length");
            if (length && *length != n) return refuse(400, "conflicting Content-Length headers");
            length = n;
        } else if (name_is(name, "transfer-encoding")) {
            transfer_encoding = true;
            chunked = name_is(value, "chunked");
            if (!chunked) return refuse(400, "unsupported Transfer-Encoding");
        } else if (name_is(name, "expect")) {
            expects_continue = name_is(value, "100-continue");
        }
    }
    if (length && transfer_encoding) return refuse(400, "both Content-Length and Transfer-Encoding");
    if (length && *length > limits_.max_body_bytes) return refuse(413, "request body too large");
    HeadVerdict v;
    v.state = HeadVerdict::State::complete;
    v.head_bytes = head.size();
    v.body_bytes = length.value_or(0);
    v.chunked = chunked;
    v.expects_continue = expects_continue;
    return v;
}

}  // namespace webhooks
