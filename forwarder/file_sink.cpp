#include "forwarder/file_sink.hpp"

#include "forwarder/owned_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace forwarder {

FileSink::FileSink(std::string path, bool sync) : path_(std::move(path)), sync_(sync) {}

FileSink::~FileSink() {
    if (fd_ >= 0) close(fd_);
}

DeliveryResult FileSink::deliver(const Event& event) noexcept {
    try {
        return append(dump_json(listmonk_body(event)) + "\n");
    } catch (const std::exception& e) {
        return DeliveryResult::retry(std::string("file sink: ") + e.what());
    }
}

DeliveryResult FileSink::deliver_batch(const std::vector<const Event*>& events) noexcept {
    try {
        std::string lines;
        for (const Event* event : events) {
            lines += dump_json(listmonk_body(*event));
            lines += '\n';
        }
        return append(lines);
    } catch (const std::exception& e) {
        return DeliveryResult::retry(std::string("file sink: ") + e.what());
    }
}

DeliveryResult FileSink::append(const std::string& lines) {
    if (lines.empty()) return DeliveryResult::ok();
    if (fd_ < 0) {
        std::string error;
        fd_ = open_owned_file(path_, O_WRONLY | O_APPEND, 0640, error);
        if (fd_ < 0) return DeliveryResult::retry(error, true);
    }
    // One write for all the lines with O_APPEND: concurrent writers (several processes) never
    // interleave inside a line. A short write is completed; a failure leaves at worst a partial
    // line, which readers skip, and the events are written again.
    std::size_t written = 0;
    while (written < lines.size()) {
        const ssize_t n = write(fd_, lines.data() + written, lines.size() - written);
        if (n < 0) {
            if (errno == EINTR) continue;
            const std::string why = "write " + path_ + ": " + std::strerror(errno);
            close(fd_);
            fd_ = -1;
            return DeliveryResult::retry(why);
        }
        written += static_cast<std::size_t>(n);
    }
    if (sync_ && fdatasync(fd_) != 0) {
        const std::string why = "fdatasync " + path_ + ": " + std::strerror(errno);
        close(fd_);
        fd_ = -1;
        return DeliveryResult::retry(why);
    }
    return DeliveryResult::ok();
}

}  // namespace forwarder
