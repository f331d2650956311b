#include "vigil/io/atomic_output.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "test_files.hpp"
#include "vigil/io/atomic_file.hpp"

namespace vigil::io {
namespace {

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(AtomicOutput, TargetAppearsOnlyOnCommit) {
  testing::TempDir dir;
  const std::string path = dir.write("out.csv", "old\n");
  {
    AtomicOutput out(path);
    out.write("new\n");
    EXPECT_EQ(read(path), "old\n");  // untouched until commit
  }
  EXPECT_EQ(read(path), "old\n");  // dropped without commit: nothing changed, no temporary left
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.file("")), {}), 1);
  AtomicOutput out(path);
  out.write("new\n");
  out.commit();
  EXPECT_EQ(read(path), "new\n");
}

TEST(AtomicOutput, DevicesAndPipesAreWrittenInPlace) {
  // Renaming over /dev/null would replace the device with a file.
  AtomicOutput out("/dev/null");
  out.write("discarded");
  out.commit();
  struct stat st {};
  ASSERT_EQ(::stat("/dev/null", &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
  write_file_atomic("/dev/null", std::string_view("also discarded"));
  ASSERT_EQ(::stat("/dev/null", &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
}

}  // namespace
}  // namespace vigil::io
