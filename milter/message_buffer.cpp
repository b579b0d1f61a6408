#include "milter/message_buffer.hpp"

namespace milter {

void MessageBuffer::reset(std::size_t max_bytes) {
    max_bytes_ = max_bytes;
    std::string().swap(data_);  // give the memory back between messages, not just clear()
    headers_done_ = false;
    truncated_ = false;
}

void MessageBuffer::append_bounded(std::string_view piece) {
    const std::size_t room = data_.size() < max_bytes_ ? max_bytes_ - data_.size() : 0;
    if (piece.size() > room) {
        truncated_ = true;
        piece = piece.substr(0, room);
    }
    data_.append(piece);
}

void MessageBuffer::add_header(std::string_view name, std::string_view value, bool value_has_leading_space) {
    if (headers_done_) return;  // headers after the body has started cannot be placed meaningfully
    std::string line;
    line.reserve(name.size() + value.size() + 4);
    line.append(name);
    line += ':';
    if (!value_has_leading_space) line += ' ';
    for (std::size_t i = 0; i < value.size(); ++i) {
        const char c = value[i];
        if (c == '\n' && (i == 0 || value[i - 1] != '\r')) line += '\r';
        line += c;
    }
    line += "\r\n";
    // A header is kept whole or not at all: half a header line would mislead the parser.
    if (data_.size() + line.size() > max_bytes_) {
        truncated_ = true;
        return;
    }
    data_ += line;
}

void MessageBuffer::end_headers() {
    if (headers_done_) return;
    headers_done_ = true;
    append_bounded("\r\n");
}

bool MessageBuffer::add_body(std::string_view chunk) {
    end_headers();
    append_bounded(chunk);
    return !full();
}

std::string_view MessageBuffer::bytes() {
    end_headers();
    return data_;
}

}  // namespace milter
