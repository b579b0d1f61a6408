// The JSON Lines sink: one listmonk body (with meta) per line, appended and synced before it is
// reported delivered, so a line that was reported delivered is on disk. A batch of lines is written
// at once and synced once. Needs no server: the embedded default's sink.
#pragma once

#include "forwarder/sink.hpp"

namespace forwarder {

class FileSink final : public Sink {
public:
    FileSink(std::string path, bool sync);
    ~FileSink() override;
    const std::string& name() const override { return name_; }
    DeliveryResult deliver(const Event& event) noexcept override;
    bool delivers_batches() const override { return true; }
    DeliveryResult deliver_batch(const std::vector<const Event*>& events) noexcept override;

private:
    // Appends `lines` (whole lines) and syncs them when configured.
    DeliveryResult append(const std::string& lines);

    std::string name_ = "file";
    std::string path_;
    bool sync_;
    int fd_ = -1;  // opened lazily and reopened after errors (e.g. the file was rotated away)
};

}  // namespace forwarder
