#include "tools/message_source.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <sstream>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace tools {
namespace {

bool read_stream(std::istream& in, std::string& out) {
    std::ostringstream buffer;
    buffer << in.rdbuf();
    out = std::move(buffer).str();
    return !in.bad();
}

// Reads the whole file with plain read(2) into a buffer sized from fstat: a stringstream copy
// cost as much as a tenth of GMime's parse per message.
bool read_file(const std::string& path, std::string& out, std::string& error) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        error = std::string("cannot open: ") + std::strerror(errno);
        return false;
    }
    struct stat info {};
    std::size_t capacity = ::fstat(fd, &info) == 0 && info.st_size > 0 ? static_cast<std::size_t>(info.st_size) : 0;
    out.resize(capacity + 1);  // one spare byte tells EOF apart from a file that grew meanwhile
    std::size_t used = 0;
    for (;;) {
        if (used == out.size()) out.resize(out.size() * 2);
        ssize_t n = ::read(fd, out.data() + used, out.size() - used);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            ::close(fd);
            out.clear();
            error = "read error";
            return false;
        }
        if (n == 0) break;
        used += static_cast<std::size_t>(n);
    }
    ::close(fd);
    out.resize(used);
    return true;
}

bool is_separator_at(std::string_view content, std::size_t pos) {
    return content.compare(pos, 5, "From ") == 0;
}

// An .eml file holds one message by definition, even when it starts with an mbox "From " line
// and quotes another message below an unescaped "From " line (seen in forwarded bounces).
bool is_single_message_file(const std::string& label) {
    return label.size() > 4 && (label.compare(label.size() - 4, 4, ".eml") == 0 ||
                                label.compare(label.size() - 4, 4, ".EML") == 0);
}

// Lends `content` to the sink and takes the buffer back afterwards, so that a directory of
// messages is read through one allocation instead of one per file.
void emit_content(const std::string& label, std::string& content,
                  const std::function<void(SourceMessage&&)>& sink) {
    if (is_single_message_file(label) || !looks_like_mbox(content)) {
        SourceMessage message{label, std::move(content), {}};
        sink(std::move(message));
        content = std::move(message.bytes);
        return;
    }
    auto parts = split_mbox(content);
    if (parts.size() < 2) {
        // One message that merely starts with an mbox "From " line keeps its plain name.
        sink(SourceMessage{label, std::move(content), {}});
        return;
    }
    std::size_t n = 0;
    for (auto part : parts) {
        ++n;
        sink(SourceMessage{label + "#" + std::to_string(n), std::string(part), {}});
    }
}

// A Maildir keeps its messages in cur/ and new/; a directory that has them is read through both.
bool is_maildir(const fs::path& dir) {
    std::error_code ec;
    return fs::is_directory(dir / "cur", ec) && fs::is_directory(dir / "new", ec);
}

void read_directory(const fs::path& dir,
                    const std::function<void(SourceMessage&&)>& sink) {
    // Sorted as strings, which is the order of the paths themselves here (every file of a root
    // shares the root's prefix, and "cur" sorts before "new" either way) at a fraction of the cost
    // of comparing fs::path element by element.
    std::vector<std::string> files;
    std::error_code ec;
    std::vector<fs::path> roots{dir};
    if (is_maildir(dir)) roots = {dir / "cur", dir / "new"};
    for (const auto& root : roots) {
        for (fs::directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
            std::error_code type_ec;
            if (it->is_regular_file(type_ec)) files.push_back(it->path().string());
        }
        if (ec) {
            sink(SourceMessage{root.string(), {}, "cannot list directory: " + ec.message()});
            ec.clear();
        }
    }
    std::sort(files.begin(), files.end());
    std::string content;
    for (const auto& file : files) {
        std::string error;
        if (!read_file(file, content, error)) {
            sink(SourceMessage{file, {}, error});
            continue;
        }
        emit_content(file, content, sink);
    }
}

}  // namespace

bool looks_like_mbox(std::string_view content) {
    return content.size() > 5 && is_separator_at(content, 0) &&
           // A single message that merely starts with an mbox line is still one message; it
           // is treated as an mbox only when another separator follows, so its label stays plain.
           (content.find("\nFrom ") != std::string_view::npos);
}

std::vector<std::string_view> split_mbox(std::string_view content) {
    std::vector<std::size_t> starts;
    if (is_separator_at(content, 0)) starts.push_back(0);
    // A separator is a "From " line preceded by an empty line (or the start of the file).
    for (std::size_t pos = content.find("\nFrom "); pos != std::string_view::npos;
         pos = content.find("\nFrom ", pos + 1)) {
        std::size_t line = pos + 1;
        bool after_blank = pos == 0 || content[pos - 1] == '\n' ||
                           (content[pos - 1] == '\r' && pos >= 2 && content[pos - 2] == '\n');
        if (after_blank) starts.push_back(line);
    }
    std::vector<std::string_view> messages;
    for (std::size_t i = 0; i < starts.size(); ++i) {
        std::size_t begin = content.find('\n', starts[i]);
        if (begin == std::string_view::npos) continue;
        ++begin;
        std::size_t end = i + 1 < starts.size() ? starts[i + 1] : content.size();
        if (begin < end) messages.push_back(content.substr(begin, end - begin));
    }
    return messages;
}

void read_messages(const std::string& path, const std::function<void(SourceMessage&&)>& sink) {
    if (path == "-") {
        std::string content;
        if (!read_stream(std::cin, content)) {
            sink(SourceMessage{path, {}, "cannot read standard input"});
            return;
        }
        emit_content(path, content, sink);
        return;
    }
    std::error_code ec;
    auto status = fs::status(path, ec);
    if (ec || !fs::exists(status)) {
        sink(SourceMessage{path, {}, "no such file or directory"});
        return;
    }
    if (fs::is_directory(status)) {
        read_directory(path, sink);
        return;
    }
    std::string content, error;
    if (!read_file(path, content, error)) {
        sink(SourceMessage{path, {}, error});
        return;
    }
    emit_content(path, content, sink);
}

}  // namespace tools
