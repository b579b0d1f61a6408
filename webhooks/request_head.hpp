// Reads an HTTP request head as its bytes trickle in and decides, before any worker thread is spent
// on it, whether it is complete, still incomplete or refused: the head must end within a byte and a
// line budget, and its framing (Content-Length / Transfer-Encoding) must be unambiguous. Incremental,
// so a client sending one byte at a time costs linear, not quadratic, work.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace webhooks {

struct HeadLimits {
    std::size_t max_header_bytes = 32 * 1024;  // request line and header lines, with their CRLFs
    std::size_t max_headers = 100;
    std::size_t max_body_bytes = 1 << 20;
};

struct HeadVerdict {
    enum class State { incomplete, complete, refused };
    State state = State::incomplete;
    int status = 0;           // refused: the HTTP status to answer (400, 413, 431)
    std::string reason;       // refused: a fixed text, never a piece of the request
    std::size_t head_bytes = 0;  // complete: bytes up to and including the blank line
    std::size_t body_bytes = 0;  // complete: Content-Length (0 when absent or chunked)
    bool chunked = false;        // complete: the body length is known only while reading it
    bool expects_continue = false;
};

class RequestHeadScanner {
public:
    explicit RequestHeadScanner(HeadLimits limits) : limits_(limits) {}

    // `received` is everything received so far for this request (earlier calls saw a prefix of it).
    HeadVerdict scan(std::string_view received);
    void reset() { scanned_ = lines_ = 0; line_start_ = 0; }

private:
    HeadVerdict framing(std::string_view head) const;

    HeadLimits limits_;
    std::size_t scanned_ = 0;     // bytes already looked at
    std::size_t line_start_ = 0;  // where the line being scanned began
    std::size_t lines_ = 0;       // complete lines so far, the request line included
};

}  // namespace webhooks
