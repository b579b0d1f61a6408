// bench-gmime-floor: the work any GMime-based bounce parser cannot avoid. For each message it
// reads the file, lets GMime construct the message from a memory stream and walks every part
// (descending into attached messages) without decoding anything. bench/parse_throughput.sh
// compares bounce-parse's time on the same files against this floor.
#include <gmime/gmime.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

struct Tally {
    unsigned long messages = 0;
    unsigned long parts = 0;
    unsigned long unparsable = 0;
};

void walk(GMimeObject* object, int depth, Tally& tally) {
    if (!object || depth > 32) return;
    ++tally.parts;
    if (GMIME_IS_MULTIPART(object)) {
        GMimeMultipart* multipart = GMIME_MULTIPART(object);
        const int count = g_mime_multipart_get_count(multipart);
        for (int i = 0; i < count; ++i) walk(g_mime_multipart_get_part(multipart, i), depth + 1, tally);
    } else if (GMIME_IS_MESSAGE_PART(object)) {
        GMimeMessage* embedded = g_mime_message_part_get_message(GMIME_MESSAGE_PART(object));
        if (embedded) walk(g_mime_message_get_mime_part(embedded), depth + 1, tally);
    }
}

void parse_one(const std::string& bytes, Tally& tally) {
    ++tally.messages;
    GMimeStream* stream = g_mime_stream_mem_new_with_buffer(bytes.data(), bytes.size());
    GMimeParser* parser = g_mime_parser_new_with_stream(stream);
    g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
    GMimeMessage* message = g_mime_parser_construct_message(parser, nullptr);
    if (message) {
        walk(g_mime_message_get_mime_part(message), 0, tally);
        g_object_unref(message);
    } else {
        ++tally.unparsable;
    }
    g_object_unref(parser);
    g_object_unref(stream);
}

// Reads with read(2) into a reused buffer, so the floor pays no more for I/O than bounce-parse.
bool read_file(const fs::path& path, std::string& out) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    struct stat info {};
    std::size_t capacity = ::fstat(fd, &info) == 0 && info.st_size > 0 ? static_cast<std::size_t>(info.st_size) : 0;
    out.resize(capacity + 1);
    std::size_t used = 0;
    bool ok = true;
    for (;;) {
        if (used == out.size()) out.resize(out.size() * 2);
        ssize_t n = ::read(fd, out.data() + used, out.size() - used);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            ok = n == 0;
            break;
        }
        used += static_cast<std::size_t>(n);
    }
    ::close(fd);
    out.resize(used);
    return ok;
}

// Same input conventions as bounce-parse: a file, or a directory read non-recursively in order.
std::vector<fs::path> files_of(const fs::path& path) {
    std::error_code ec;
    if (!fs::is_directory(path, ec)) return {path};
    std::vector<fs::path> files;
    for (fs::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
        std::error_code type_ec;
        if (it->is_regular_file(type_ec)) files.push_back(it->path());
    }
    std::sort(files.begin(), files.end());
    return files;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench-gmime-floor PATH...\n");
        return 2;
    }
    g_mime_init();
    Tally tally;
    int status = 0;
    std::string bytes;
    for (int i = 1; i < argc; ++i) {
        for (const auto& file : files_of(argv[i])) {
            if (!read_file(file, bytes)) {
                std::fprintf(stderr, "bench-gmime-floor: cannot read %s\n", file.c_str());
                status = 1;
                continue;
            }
            parse_one(bytes, tally);
        }
    }
    std::printf("%lu messages, %lu parts, %lu unparsable\n", tally.messages, tally.parts, tally.unparsable);
    g_mime_shutdown();
    return status;
}
