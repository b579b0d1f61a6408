// Turns command-line paths (a message file, a directory of messages, an mbox, a Maildir, or "-")
// into a sequence of raw messages, each labelled the way bounce-parse reports it.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace tools {

struct SourceMessage {
    std::string label;  // path as given; "path#N" (1-based) for the N-th message of an mbox
    std::string bytes;  // raw message
    std::string error;  // non-empty when the input could not be read; bytes is then empty
};

// Calls `sink` once per message found under `path`, in a stable order. Never throws for I/O
// problems: an unreadable input is reported as a SourceMessage with `error` set.
void read_messages(const std::string& path, const std::function<void(SourceMessage&&)>& sink);

// Splits mbox content at "From " separator lines; the separator lines themselves are dropped.
std::vector<std::string_view> split_mbox(std::string_view content);

bool looks_like_mbox(std::string_view content);

}  // namespace tools
