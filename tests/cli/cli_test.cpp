// The `vigil` program end to end: exit codes, messages and files, for good and bad input.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "run_vigil.hpp"
#include "test_files.hpp"

namespace {

using vigil::testing::CliRun;
using vigil::testing::slurp;
using vigil::testing::TempDir;
using vigil::testing::vigil_run;

// Six labelled rows in a generic schema.
const char* kFlows =
    "srcip,bytes,pkts,proto,class\n"
    "10.0.0.1,100,2,tcp,normal\n"
    "10.0.0.2,110,3,tcp,normal\n"
    "10.0.0.3,120,2,udp,normal\n"
    "10.0.0.4,9000,90,tcp,dos\n"
    "10.0.0.5,9100,95,udp,dos\n"
    "10.0.0.6,9050,91,tcp,dos\n";

TEST(Cli, HelpVersionAndModels) {
  EXPECT_EQ(vigil_run("--help").code, 0);
  EXPECT_EQ(vigil_run("train --help").code, 0);
  const CliRun models = vigil_run("models");
  EXPECT_EQ(models.code, 0);
  EXPECT_NE(models.output.find("var_smoothing"), std::string::npos);
  EXPECT_NE(vigil_run("").code, 0);
  EXPECT_NE(vigil_run("frobnicate").code, 0);
}

TEST(Cli, TrainEvaluatePredictOnAGenericCsv) {
  TempDir dir;
  const auto data = dir.write("flows.csv", kFlows);
  const auto model = dir.file("m.vgm");
  const CliRun train =
      vigil_run("train -q --data " + data + " --label class --smote off --out " + model);
  ASSERT_EQ(train.code, 0) << train.output;
  const CliRun eval = vigil_run("evaluate -q --model " + model + " --data " + data + " --json " +
                                dir.file("r.json"));
  ASSERT_EQ(eval.code, 0) << eval.output;
  EXPECT_NE(eval.output.find("accuracy 1.0000"), std::string::npos) << eval.output;
  EXPECT_NE(slurp(dir.file("r.json")).find("\"macro\""), std::string::npos);
  // Prediction input: columns in another order, no label, an unseen protocol.
  const auto rows = dir.write("new.csv", "proto,pkts,bytes\ntcp,2,105\nsctp,93,9020\n");
  const CliRun predict =
      vigil_run("predict -q --model " + model + " --data " + rows + " --out " + dir.file("p.csv"));
  ASSERT_EQ(predict.code, 0) << predict.output;
  const std::string p = slurp(dir.file("p.csv"));
  EXPECT_EQ(p.substr(0, p.find('\n')), "row,line,prediction,confidence,p_dos,p_normal");
  EXPECT_NE(p.find("1,2,normal,"), std::string::npos) << p;
  EXPECT_NE(p.find("2,3,dos,"), std::string::npos) << p;
}

struct BadInput {
  const char* name;
  const char* text;
  const char* args;
  const char* expect;
};

TEST(Cli, BadInputIsOneClearLineAndExitOne) {
  TempDir dir;
  std::string numeric_col = "bytes,class\n";
  for (int i = 0; i < 20; ++i) numeric_col += std::to_string(i) + ",a\n";
  numeric_col += "12x,b\n";
  const BadInput cases[] = {
      {"ragged.csv", "bytes,class\n1,a\n2\n", "--label class", "ragged.csv:3: expected 2 fields"},
      {"nonnum.csv", numeric_col.c_str(), "--label class",
       "nonnum.csv:22: column 'bytes': '12x' is not a number"},
      {"empty.csv", "", "--label class", "empty.csv: file is empty"},
      {"header.csv", "bytes,class\r\n", "--label class",
       "header.csv: has a header but no data rows"},
      {"nolabel.csv", "bytes,kind\n1,a\n", "--label class", "no label column 'class'"},
      {"generic.csv", "bytes,kind\n1,a\n", "", "name the label column with --label"},
      {"oneclass.csv", "bytes,class\n1,a\n2,a\n3,a\n", "--label class",
       "oneclass.csv: label column 'class' has only one class ('a'); training needs at least two"},
      {"inf.csv", "bytes,class\n1,a\nInfinity,b\n", "--label class",
       "inf.csv:3: column 'bytes': 'Infinity' is infinite or out of range"},
  };
  for (const auto& c : cases) {
    const auto path = dir.write(c.name, c.text);
    const CliRun r =
        vigil_run("train --data " + path + " " + c.args + " --out " + dir.file("m.vgm"));
    EXPECT_EQ(r.code, 1) << c.name << ": " << r.output;
    EXPECT_NE(r.output.find(c.expect), std::string::npos) << c.name << ": " << r.output;
    EXPECT_NE(r.output.find("vigil: error: "), std::string::npos);
  }
  EXPECT_FALSE(std::ifstream(dir.file("m.vgm")).good()) << "no model written from bad input";
  const CliRun model = vigil_run("train --data " + dir.write("ok.csv", kFlows) +
                                 " --label class --model gbdt --out x");
  EXPECT_EQ(model.code, 1);
  EXPECT_NE(model.output.find("unknown model 'gbdt' (known: nb"), std::string::npos)
      << model.output;
}

TEST(Cli, TruncatedOrMissingModelFileIsAnError) {
  TempDir dir;
  const auto data = dir.write("flows.csv", kFlows);
  const auto model = dir.file("m.vgm");
  ASSERT_EQ(vigil_run("train -q --data " + data + " --label class --smote off --out " + model).code,
            0);
  std::string bytes = slurp(model);
  std::ofstream(dir.file("cut.vgm"), std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  const CliRun cut = vigil_run("evaluate --model " + dir.file("cut.vgm") + " --data " + data);
  EXPECT_EQ(cut.code, 1);
  EXPECT_NE(cut.output.find("truncated"), std::string::npos) << cut.output;
  const CliRun missing = vigil_run("predict --model " + dir.file("none.vgm") + " --data " + data);
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.output.find("cannot open model file"), std::string::npos);
  // The model's columns must be in the file.
  const CliRun columns =
      vigil_run("predict --model " + model + " --data " + dir.write("x.csv", "bytes,pkts\n1,2\n"));
  EXPECT_EQ(columns.code, 1);
  EXPECT_NE(columns.output.find("needs column 'proto'"), std::string::npos) << columns.output;
}

// The foundation's end-to-end run on UNSW-NB15: trained on the whole file and
// scored on it, and trained on a stratified 80% and scored on the other 20%.
TEST(Cli, UnswTrainOnWholeAndOnHoldout) {
  if (!vigil::testing::have_unsw()) GTEST_SKIP();
  TempDir dir;
  const std::string data = vigil::testing::unsw_path();
  const auto whole = dir.file("whole.vgm");
  ASSERT_EQ(vigil_run("train -q --data " + data + " --model nb --smote off --out " + whole).code,
            0);
  const CliRun all = vigil_run("evaluate -q --model " + whole + " --data " + data);
  ASSERT_EQ(all.code, 0) << all.output;
  EXPECT_NE(all.output.find("on 82332 rows"), std::string::npos);

  const auto held = dir.file("held.vgm");
  ASSERT_EQ(vigil_run("train -q --data " + data + " --model nb --holdout 0.2 --out " + held).code,
            0);
  const CliRun part = vigil_run("evaluate -q --model " + held + " --data " + data +
                                " --holdout --json " + dir.file("h.json"));
  ASSERT_EQ(part.code, 0) << part.output;
  EXPECT_NE(part.output.find("on 16466 rows"), std::string::npos) << part.output;
  EXPECT_NE(part.output.find("Worms"), std::string::npos);
  // --holdout refuses a model trained on all rows.
  EXPECT_EQ(vigil_run("evaluate -q --model " + whole + " --data " + data + " --holdout").code, 1);
}

}  // namespace
