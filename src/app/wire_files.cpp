#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <spdlog/spdlog.h>

#include "app/panel.h"
#include "app/wire.h"
#include "services/file_service.h"
#include "services/share_service.h"
#include "services/transfer_service.h"

namespace wsp {
namespace {

// Purges expired recycle-bin items of every account once an hour (listing
// a bin purges it too, so this only matters for bins nobody looks at).
//
// The sweep is spread, not delayed (issue 24): it walks kSweepBatch homes,
// then pauses kSweepPause, so 10,000 homes take about 100 s of wall-clock
// time and a few percent of one CPU, instead of a whole CPU for seconds
// right at start, beside the start hooks and the first requests. A small
// panel (under kSweepBatch accounts) is still swept at once at start.
constexpr size_t kSweepBatch = 100;
constexpr auto kSweepPause = std::chrono::seconds(1);

class TrashSweeper {
  public:
    TrashSweeper(std::shared_ptr<FileTrash> trash, std::shared_ptr<TransferService> transfer)
        : trash_(std::move(trash)), transfer_(std::move(transfer)) {}

    void start() {
        thread_ = std::thread([this] {
            std::unique_lock lock(mutex_);
            while (!stopping_) {
                lock.unlock();
                auto pause = [this] {
                    std::unique_lock wait(mutex_);
                    return !wake_.wait_for(wait, kSweepPause, [this] { return stopping_; });
                };
                if (auto r = trash_->purge_all_expired(kSweepBatch, pause); !r)
                    spdlog::warn("files: trash sweep failed: {}", r.error().message);
                // Unfinished resumable uploads past files.upload_expire_hours.
                if (auto r = transfer_->purge_expired_uploads(); !r)
                    spdlog::warn("files: upload sweep failed: {}", r.error().message);
                lock.lock();
                wake_.wait_for(lock, std::chrono::hours(1), [this] { return stopping_; });
            }
        });
    }
    void stop() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        wake_.notify_all();
        if (thread_.joinable()) thread_.join();
    }

  private:
    std::shared_ptr<FileTrash> trash_;
    std::shared_ptr<TransferService> transfer_;
    std::thread thread_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
};

}  // namespace

// The file manager runs no process of its own and has no health probe (the
// file system is the panel's own). The service is also the account cleanup
// (its records go when an account is deleted; the files go with the home).
// `serve` starts the hourly trash sweep and the file task pool; offline
// commands do neither.
Result<void> wire_files(Panel& panel) {
    // One service per concern: the operations use the bin (a delete), the
    // history (a write) and the settings (is the bin on?).
    DiskUsage& disk = panel.services().disk_usage;  // the quota at the write points
    auto trash = std::make_shared<FileTrash>(panel.context(), disk);
    panel.services().file_trash = trash;
    auto history = std::make_shared<FileHistory>(panel.context());
    panel.services().file_history = history;
    auto settings = std::make_shared<FileSettingsService>(panel.context());
    panel.services().file_settings = settings;
    auto files = std::make_shared<FileService>(panel.context(), disk, trash, history, settings);
    panel.services().files = files;
    panel.services().users.add_cleanup(files.get());
    auto shares = std::make_shared<ShareService>(panel.context(), files);
    panel.services().shares = shares;
    panel.services().users.add_cleanup(shares.get());
    auto transfer = std::make_shared<TransferService>(panel.context(), disk);
    panel.services().transfer = transfer;
    auto sweeper = std::make_shared<TrashSweeper>(trash, transfer);
    panel.on_serve(
        "trash sweep",
        [sweeper]() -> Result<void> {
            sweeper->start();
            return Ok{};
        },
        [sweeper] { sweeper->stop(); });
    // Asynchronous file tasks: start() first removes what tasks interrupted
    // by a crash left (services/file_tasks.h); stop() cancels running ones.
    panel.on_serve(
        "file tasks", [files] { return files->tasks().start(); },
        [files] { files->tasks().stop(); });
    return Ok{};
}

}  // namespace wsp
