#pragma once
// A fixture with a freshly migrated store in a temporary directory, removed
// after each test (store and migration tests).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "store/db.h"

namespace wsp {

class TempStoreTest : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string tmpl = "/tmp/wsp-store-test-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
        dir_ = tmpl;
        // A data dir as the panel leaves it: the accounts pass through.
        ::chmod(dir_.c_str(), 0711);
        auto db = Db::open((dir_ / "panel.db").string());
        ASSERT_TRUE(db.ok()) << db.error().message;
        db_ = std::move(*db);
    }
    void TearDown() override {
        db_.reset();
        std::filesystem::remove_all(dir_);
    }
    std::filesystem::path dir_;
    std::unique_ptr<Db> db_;
};

}  // namespace wsp
