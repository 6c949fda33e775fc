//! The message catalogue: every label of the pages, in Chinese (the
//! default) and English. Pages ask `t(lang, Msg::X)`; a new label is a new
//! `Msg` variant with both texts, so no page can show a missing string.

/// A language of the pages (its code in the API: `zh-CN`, `en`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
pub enum Lang {
    #[default]
    #[serde(rename = "zh-CN")]
    Zh,
    #[serde(rename = "en")]
    En,
}

/// How many languages there are (`Lang as usize` indexes per-language caches).
pub const LANGS: usize = 2;

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    pub fn parse(text: &str) -> Option<Lang> {
        match text {
            "zh" | "zh-CN" | "zh_CN" => Some(Lang::Zh),
            "en" | "en-US" | "en-GB" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }
}

macro_rules! messages {
    ($( $key:ident => $zh:literal, $en:literal; )*) => {
        /// Every label the pages show.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Msg { $( $key ),* }

        impl Msg {
            pub const ALL: &'static [Msg] = &[ $( Msg::$key ),* ];
        }

        pub fn t(lang: Lang, msg: Msg) -> &'static str {
            match (lang, msg) {
                $( (Lang::Zh, Msg::$key) => $zh, (Lang::En, Msg::$key) => $en, )*
            }
        }
    };
}

messages! {
    AppName => "教育治理平台", "Education governance";
    Overview => "概览", "Overview";
    Areas => "区域", "Areas";
    Indicators => "指标", "Indicators";
    Import => "数据导入", "Import";
    Users => "用户", "Users";
    Audit => "审计日志", "Audit log";
    Login => "登录", "Sign in";
    Logout => "退出", "Sign out";
    Username => "用户名", "Username";
    Password => "密码", "Password";
    LoginFailed => "用户名或密码不正确", "Wrong username or password";
    LoginThrottled => "登录失败次数过多，请在 {} 秒后再试", "Too many failed sign-ins; try again in {} seconds";
    AccountDisabled => "该账号已停用，请联系市级管理员", "This account is disabled; ask the city administrator";
    LoginBusy => "正在登录的人太多，请稍后再试", "Too many sign-ins at once; please try again shortly";
    ImportQueueFull => "导入排队已满（{} 个导入正在进行或等待），请稍后再试", "The import queue is full ({} imports running or waiting); please try again later";
    ImportQueued => "此导入排队等待了 {} 秒（同时只进行 {} 个导入）", "This import waited {} seconds in the queue ({} imports run at a time)";
    SignedInAs => "当前用户", "Signed in as";
    PublicView => "公开数据", "Public view";
    SwitchLanguage => "English", "中文";
    SchoolYear => "学年", "School year";
    Area => "区域", "Area";
    Level => "层级", "Level";
    Name => "名称", "Name";
    Code => "代码", "Code";
    Value => "数值", "Value";
    Unit => "单位", "Unit";
    Change => "较上年", "Change";
    Line => "标准/目标", "Line";
    Met => "达标", "Met";
    NotMet => "未达标", "Not met";
    MetAgainst => "达标（标准 {}）", "Met (line {})";
    NotMetAgainst => "未达标（标准 {}）", "Not met (line {})";
    Stage => "学段", "Stage";
    AllStages => "合计", "All stages";
    Numerator => "分子", "Numerator";
    Denominator => "分母", "Denominator";
    Trend => "历年趋势", "Trend";
    KeyIndicators => "关键指标", "Key indicators";
    DrillDown => "下钻", "Drill down";
    Schools => "学校", "Schools";
    School => "学校", "School";
    Classes => "班级", "Classes";
    Teachers => "教师", "Teachers";
    Students => "学生", "Students";
    Seats => "学位", "Seats";
    ClassSize => "班额", "Class size";
    Grade => "年级", "Grade";
    LargeClass => "大班额", "Large classes";
    LargeClassTag => "大班额", "large class";
    SearchMasked => "班级或姓名，如 张*明", "Class, or name as shown: 张*明";
    ShowUnmasked => "显示本页完整姓名和身份证号（记入审计日志）", "Show full names and identity numbers on this page (audited)";
    UnmaskedNotice => "本页显示完整的个人信息；此次查看已记入审计日志，请勿截图外传", "This page shows personal data in full; this view is in the audit log — do not share it";
    Definition => "定义", "Definition";
    Source => "依据", "Source";
    Direction => "方向", "Direction";
    ExportXlsx => "导出 Excel", "Export to Excel";
    Search => "搜索", "Search";
    Previous => "上一页", "Previous";
    Next => "下一页", "Next";
    Page => "页", "Page";
    Of => "共", "of";
    Rows => "行", "rows";
    Sex => "性别", "Sex";
    IdNumber => "身份证号", "Identity number";
    Migrant => "随迁子女", "Migrant child";
    Boarder => "寄宿", "Boarder";
    Subject => "任教学科", "Subject";
    Title => "职称", "Title";
    KeyTeacher => "骨干教师", "Key teacher";
    Yes => "是", "Yes";
    No => "否", "No";
    Forbidden => "无权访问：该内容不在您的权限范围内", "Forbidden: this is outside your scope";
    NotFound => "未找到", "Not found";
    Upload => "上传并校验", "Upload and check";
    Commit => "确认导入", "Import";
    Templates => "模板下载", "Templates";
    ImportHint => "上传 .xlsx 或 .csv 文件：先逐行校验，全部正确后才能导入。", "Upload an .xlsx or .csv file: every row is checked first; only a clean file can be imported.";
    RowErrors => "行错误", "Row errors";
    NoErrors => "没有发现错误，可以导入。", "No errors: the file can be imported.";
    Imported => "已导入", "Imported";
    Transfers => "转学申请", "Transfers";
    TransfersHint => "本辖区以外学校（按其最近登记的学年）登记的学生或教师，导入时不直接写入，而是生成转学（调动）申请，由转出学校、其区县或市级审批；同意后才转入并更新其信息。升入下一学段（如初中毕业升入高中）属于招生录取，不需申请。", "A student or teacher held (in the latest year they were held) by a school outside your scope is not written by an import: the row becomes a transfer request, which the releasing school, its county or the city approves; only then is the person moved and their record changed. Entering the next stage (e.g. junior to senior high) is an admission and needs no request.";
    TransfersToDecide => "待我方审批（转出）", "Waiting for our decision (leaving us)";
    TransfersAsked => "我方提出的申请（转入）", "Our requests (joining us)";
    TransfersDecided => "最近处理的申请", "Recently decided";
    TransferKind => "类别", "Kind";
    PersonName => "姓名", "Name";
    OutsideScopeSchool => "辖区以外的学校", "A school outside your scope";
    FromSchool => "转出学校", "From";
    ToSchool => "转入学校", "To";
    FiledFrom => "来源", "Filed from";
    RequestedBy => "申请人", "Requested by";
    Status => "状态", "Status";
    Reason => "理由", "Reason";
    Approve => "同意转出", "Approve";
    Refuse => "拒绝", "Refuse";
    RefuseReason => "拒绝理由（必填）", "Reason for refusing (required)";
    ReasonRequired => "拒绝时请填写理由（500 字以内）", "Give a reason for refusing (500 characters at most)";
    TransferDecided => "申请 #{} 已处理：{}", "Request #{} decided: {}";
    TransferNotPending => "申请 #{} 已被处理过，未作更改", "Request #{} was decided already; nothing changed";
    TransferStale => "申请 #{} 提交后该人员已有新的登记，无法按原申请转入；请拒绝后由转入方重新导入", "Since request #{} was filed the person was registered elsewhere; refuse it, and the receiving side may import the row again";
    TransfersFiled => "以下 {} 行涉及本辖区以外学校登记的人员，未直接写入，已生成转学（调动）申请，待转出方审批：", "{} rows name people held by schools outside your scope: they were not written but filed as transfer requests for the releasing side:";
    HeldForCity => "本文件涉及本辖区以外学校登记的人员较多，系统不逐行答复，文件中的任何数据均未导入。请将文件交市级管理员导入或分批办理转学申请。此次上传已记入审计日志。", "This file names many people held by schools outside your scope: it is not answered row by row and nothing in it was imported. Hand the file to the city administrator, or file the transfers in smaller batches. This upload is recorded in the audit log.";
    NothingImported => "文件中的任何数据均未导入。", "Nothing in the file was imported.";
    DryRunNoTransfers => "试运行不查询人员在其他学校的登记；正式导入时，本辖区以外学校登记的人员将转为转学申请。", "A check does not look up where people are registered; on import, people held by schools outside your scope become transfer requests.";
    NoTransfers => "暂无申请", "No requests";
    DownloadErrors => "下载错误报告", "Download the error report";
    File => "文件", "File";
    Row => "行", "Row";
    Column => "列", "Column";
    Message => "说明", "Message";
    Role => "角色", "Role";
    Scope => "范围", "Scope";
    Active => "启用", "Active";
    Time => "时间", "Time";
    Actor => "操作人", "Actor";
    Action => "操作", "Action";
    AllActions => "全部操作", "All actions";
    Suppressed => "少于 {} 所学校，不予公布", "Fewer than {} schools: not published";
    DatabaseBusy => "数据库正忙（另一项导入正在写入），请稍后重试", "The database is busy (another import is writing); please try again shortly";
    Detail => "详情", "Detail";
    NoData => "暂无数据", "No data";
    PublishedTotalOnly => "下级地区和学校的数据只向本地区的负责人员开放，这里显示的是公开的汇总数据。", "The places and schools below are shown to this area's own officers only; this is the published total.";
    MostLargeClasses => "大班额班级最多的区县", "Counties with the most large classes";
    NoLargeClasses => "本学年各地均已无大班额（可切换学年查看往年）", "No large classes left this school year (choose another year to see earlier ones)";
    Unmasked => "显示完整身份信息（将记入审计日志）", "Show full identity (recorded in the audit log)";
    Masked => "已脱敏", "Masked";
    BadRequest => "请求无效", "Bad request";
    CsrfFailed => "表单已过期，请刷新页面后重试", "The form has expired; reload the page and try again";
    UserSearchHint => "用户名、姓名或范围代码", "Username, name or scope code";
    ServerError => "服务器内部错误，请稍后重试", "Internal server error; try again later";
    Apply => "确定", "OK";
    Disable => "停用", "Disable";
    Enable => "启用", "Enable";
    AddUser => "添加用户", "Add a user";
    UserAdded => "已添加用户 {}", "User {} added";
    ScopeHint => "范围代码（市 3701 / 区县 370112 / 学校 2370112001）", "Scope code (city 3701 / county 370112 / school 2370112001)";
    ReportCut => "错误报告只列出前 {} 条错误：请先更正这些错误再上传。", "The report lists the first {} errors: correct these and upload again.";
    ErrorsCut => "仅列出前 {} 条错误（共 {} 条），全部错误请下载错误报告。", "Showing the first {} of {} errors; download the report for all of them.";
    NoFile => "没有上传文件", "No file was uploaded";
    OnlyXlsxCsv => "文件 {}：只接受 .xlsx 或 .csv", "File {}: only .xlsx or .csv files are accepted";
    // issue 11: trust
    DemoBanner => "演示数据，非官方统计", "Demo data — not official statistics";
    DemoBannerNote => "本系统当前载入的是合成的演示城市，数字不代表任何真实地区或学校。", "This server holds a synthetic demo city; no figure describes a real place or school.";
    BackToOverview => "返回{}概览", "Back to the overview of {}";
    BackToSchool => "返回本校页面", "Back to my school";
    BackToPrevious => "返回上一页", "Back to the previous page";
    // issue 11: charts
    ChartPolicyLine => "标准线 {}", "Policy line {}";
    ChartTarget => "目标 {}", "Target {}";
    PercentagePoints => "个百分点", "pp";
    // issue 11: school
    SchoolSummary => "概况", "Summary";
    OnThisPage => "本页目录", "On this page";
    LargeClassesOf => "{} / {} 班", "{} of {} classes";
    LargeClassLineNote => "班额 ≥ {} 人为大班额", "{} or more students is a large class";
    SeatUtilisation => "学位使用率", "Seat utilisation";
    OverSeats => "超出学位", "Over capacity";
    NoSummary => "本学年暂无可计算的指标", "No figures for this school year";
    SearchStudents => "年级班级（如 二年级3班）或姓名（如 张*明）", "Grade and class (二年级3班) or name as shown (张*明)";
    ExportSchool => "导出班级与概况（Excel）", "Export classes and summary (Excel)";
    // issue 11: drill
    SchoolsBehind => "学校明细", "Schools behind the figure";
    ViewSchoolsBehind => "查看学校明细", "View the schools";
    SchoolsBehindOrder => "未达标的学校在前，其余按数值从差到好排列；点击表头可重新排序。", "Schools that miss the line first, then from worst to best; click a header to sort again.";
    SchoolsBehindOwnOnly => "仅列出您有权查看的学校。", "Only the schools you may open are listed.";
    SchoolsBehindPublic => "学校明细只向本地区的负责人员开放，请登录后查看；这里只显示公开的汇总数据。", "The schools behind a figure are shown to this area's own officers only; sign in to see them. Only the published total is shown here.";
    ClassesAtOrAbove => "班额达到 {} 人及以上的班级", "Classes of {} or more students";
    NoClassesAtOrAbove => "没有班额达到 {} 人及以上的班级。", "No class of {} or more students.";
    ClassName => "班级", "Class";
    RowsCut => "仅显示前 {} 行（共 {} 行），全部数据请导出 Excel。", "Showing the first {} of {} rows; export to Excel for all of them.";
    ExportThisYear => "导出本学年（Excel）", "Export this year (Excel)";
    ExportAllYears => "导出全部学年（Excel）", "Export every year (Excel)";
    RankBy => "排名依据", "Rank by";
    RankByCount => "按班级数", "By number";
    RankByShare => "按比例", "By share";
    PrintedAt => "打印时间", "Printed";
    PrintScope => "数据范围", "Scope";
    PrintSource => "数据来源：学籍与教师登记数据", "Source: the student and teacher registers";
    // issue 11: import
    ImportRefused => "文件未导入：发现 {} 处错误，没有写入任何数据。请按下方列表修改后重新上传。", "File not imported: {} error(s) found, nothing was written. Correct them as listed below and upload again.";
    ImportNotWritten => "文件未导入，没有写入任何数据。", "File not imported: nothing was written.";
    DryRunClean => "校验通过：{} 行没有发现错误。这只是校验，没有写入任何数据；勾选“确认导入”后再次上传即可导入。", "Check passed: {} rows, no errors. This was only a check and nothing was written; tick “Import” and upload again to import.";
    UpdateClassSizes => "班额随学生名单更新", "Class sizes follow the pupils listed";
    OnePupilHelp => "给某班新增一名学生：上传只含这名学生一行的学生表，勾选“班额随学生名单更新”，该班班额随名单自动加一，无需先改班级表；结果中列出改变的班额。不勾选时，班额与学生名单不符的文件不会导入。", "To add one pupil to a class: upload a students file with that pupil's row alone and tick “Class sizes follow the pupils listed”: the class's size goes up by one with it, no need to edit the classes file first; the result lists the sizes changed. Unticked, a file whose class sizes disagree with the pupils listed is not imported.";
    ClassSizeHint => "班额与学生名单不符：如果名单是对的（例如新增了学生），勾选“班额随学生名单更新”后再次上传同一文件即可，班额将改为名单人数。", "Class sizes disagree with the pupils listed: if the list is right (a pupil was added, say), tick “Class sizes follow the pupils listed” and upload the same file again; the sizes will become the number of pupils listed.";
    ClassSizesChanged => "班额已随学生名单更新：{} 个班", "Class sizes updated to the pupils listed: {} classes";
    ClassSizesWouldChange => "导入时班额将随学生名单更新：{} 个班", "On import, class sizes will follow the pupils listed: {} classes";
    Class => "班级", "Class";
    OldClassSize => "原班额", "Old size";
    NewClassSize => "新班额", "New size";
    ImportBusy => "正在上传并校验……", "Uploading and checking…";
    ChooseAgainHint => "修改文件后请重新选择它再上传（浏览器不会上传选择之后又改动过的文件）；只改勾选项时，直接再次点击上传即可。", "After changing the file, choose it again before uploading (a browser does not upload a file changed after it was chosen); to change only the options, press upload again.";
    ImportSendFailed => "上传失败，没有写入任何数据。如果刚修改过这个文件，请重新选择它后再上传。", "The upload failed and nothing was written. If you have just changed the file, choose it again and upload.";
    // issue 12: judge
    SeniorLargeClass => "普通高中大班额", "Senior-high large classes";
    // issue 14: work plans and supervision
    Plans => "工作计划", "Work plans";
    Board => "督办公示", "Supervision board";
    Projects => "建设项目", "Construction projects";
    MyTasks => "我的任务", "My tasks";
    NoPlan => "还没有工作计划。市级管理员可用 edugov plan import 导入任务分解表。", "No work plan yet. The city administrator imports the task breakdown with edugov plan import.";
    PlanAsOf => "状态按 {} 计算（进度由登记数据和建设项目自动计算，不手填）", "Status as of {} (computed from the registry and the projects, never typed)";
    OtherPlans => "其他计划", "Other plans";
    PlanSummary => "进展情况总结（可打印）", "Progress summary (printable)";
    PlanSummaryDocx => "下载总结（Word）", "Download summary (Word)";
    PlanLedgerXlsx => "下载督办台账（Excel）", "Download the ledger (Excel)";
    CountTasks => "任务总数", "Tasks";
    CountOverdue => "逾期任务", "Overdue";
    CountDueSoon => "临期任务", "Due soon";
    CountListed => "挂牌督办", "Under supervision";
    CountBehind => "进度滞后", "Behind";
    CountOnTrack => "进度正常", "On track";
    CountAchieved => "已达成", "Achieved";
    CountClosed => "已销号", "Closed out";
    LateByCounty => "逾期任务分区县情况：哪些任务逾期、在哪些区县、正在采取什么措施", "Late tasks by county: which tasks are late, where, and what is being done";
    LateCount => "{} 项逾期", "{} late";
    NoLateTasks => "目前没有逾期任务。", "No task is late.";
    PlanTree => "任务清单", "Tasks";
    ClosedNote => "该任务已于 {} 销号（核验人 {}）；下面是按现有数据计算的规则，供查阅。", "Closed out on {} (verified by {}); below, the rule on the current data, for reference.";
    BackToPlan => "返回工作计划", "Back to the plan";
    FigureTrace => "数据说明：文中每个数字的计算与来源", "Where every figure comes from";
    Legend => "状态颜色", "Colours";
    LegendGreen => "进度正常 / 已达成", "On track / achieved";
    LegendYellow => "需加快 / 进行中", "Acceleration needed / in progress";
    LegendOrange => "进展有限", "Limited progress";
    LegendRed => "退步或逾期", "Deterioration or overdue";
    LegendGrey => "数据不足", "Not enough data";
    LegendHint => "鼠标停在状态上可见判定规则；点开任务可见规则、报告和办理记录。", "Hover a status for its rule; open a task for the rule, its reports and its history.";
    FilterLate => "只看逾期", "Late only";
    FilterListed => "只看挂牌督办", "Under supervision only";
    County => "区县", "County";
    Counties => "责任区县", "Counties";
    AllCounties => "全部区县", "All counties";
    AllStatuses => "全部状态", "All statuses";
    ClearFilters => "清除筛选", "Clear filters";
    TasksShown => "显示 {} 项任务（共 {} 项）", "Showing {} of {} tasks";
    Seq => "序号", "No.";
    Task => "目标与任务", "Task";
    Deadline => "完成时限", "Deadline";
    PlannedDeadline => "（原定 {}）", "(planned {})";
    Supervision => "督办情况", "Supervision";
    Escalation => "督查等级", "Escalation";
    Listing => "挂牌督办", "Listing";
    Listed => "挂牌督办", "Listed";
    NotListed => "未挂牌", "Not listed";
    ListedBy => "{} 挂牌，限 {} 前办结", "listed by {}, due {}";
    ListedByWhom => "挂牌人", "Listed by";
    LatestReport => "最近报告", "Latest report";
    NoReport => "尚未报告", "No report yet";
    NoneYet => "无", "None";
    WholeTask => "整体任务", "Whole task";
    PendingReports => "{} 份报告待审核", "{} reports to review";
    ClosedOut => "已销号", "Closed out";
    Measure => "衡量方式", "Measure";
    FromRegistry => "（基线取登记数据）", "(baseline from the registry)";
    MilestoneMeasure => "节点任务：以审核通过、附佐证材料的进展报告为完成", "Milestone: done once a report with documents is accepted";
    LeadUnit => "牵头单位", "Lead unit";
    TaskSourceLabel => "任务来源", "Source";
    CoUnits => "责任单位", "Co-operating units";
    Leader => "分管领导", "Leader in charge";
    CountyParts => "各区县进展", "Counties' parts";
    Share => "承担任务量", "Share";
    PendingExtension => "{} 申请延期至 {}，待答复", "{} asked for an extension until {}, awaiting an answer";
    Extensions => "已延期 {} 次", "Extended {} times";
    VerifiedBy => "已由 {} 核验", "Verified by {}";
    NoSupervision => "尚未督办。", "No supervision step yet.";
    Reports => "进展报告", "Progress reports";
    Period => "报送期间", "Period";
    PeriodHint => "如 2026-H1（上半年）、2026-Q3、2026-05", "e.g. 2026-H1 (first half), 2026-Q3, 2026-05";
    Reporter => "报告人", "Reporter";
    ReportText => "进展情况", "Progress";
    ReportedValue => "完成数", "Value reported";
    Documents => "佐证材料", "Documents";
    DocumentsHint => "PDF、Word、Excel 或 OFD 文件，每份不超过 20 MB，最多 {} 份；照片不作为佐证材料", "PDF, Word, Excel or OFD files, 20 MB each at most, {} at most; photos are not evidence";
    DocumentsKept => "退回前已上传的 {} 份材料将保留", "The {} documents uploaded before are kept";
    OwnReport => "本人报送，须由他人审核", "Your own report: another person reviews it";
    AcceptReport => "审核通过", "Accept";
    ReturnReport => "退回", "Send back";
    ReturnReason => "退回理由（必填）", "Reason for sending back (required)";
    FileReport => "报送进展", "File a progress report";
    CorrectReport => "修改后重新报送", "Correct and file again";
    ReturnedBecause => "报告已被退回，理由", "The report was sent back because";
    SubmitReport => "报送", "File";
    SubmitCorrection => "重新报送", "File again";
    LeadUnitPart => "牵头单位", "Lead unit";
    RequestExtension => "申请延期", "Ask for an extension";
    ExtendUntil => "延期至", "Until";
    SuperviseActions => "督办操作（市级管理员）", "Supervision (city administrator)";
    Escalate => "督查提醒", "Escalate";
    NewDeadline => "限期", "New deadline";
    ListTask => "挂牌督办", "Put under supervision";
    ListReason => "挂牌理由", "Reason for listing";
    ListDue => "限期办结", "Due by";
    Unlist => "撤销挂牌", "Take off the board";
    GrantExtension => "同意延期", "Grant the extension";
    RefuseExtension => "不同意延期", "Refuse the extension";
    Verify => "核验", "Verify";
    VerifyNote => "核验情况", "What was checked";
    VerifyHint => "须由报告人以外的人核验", "Someone other than the reporter verifies";
    CloseOut => "销号", "Close out";
    CloseOutHint => "核验后方可销号", "Only after verification";
    Note => "说明", "Note";
    History => "办理记录", "History";
    Step => "事项", "Step";
    OldValue => "原值", "Old value";
    NewValue => "新值", "New value";
    StepDone => "已办理：{}", "Done: {}";
    StepRefused => "未能办理", "Not done";
    StepConflict => "他人刚刚办理了该任务，本次操作未写入。请返回任务页面查看最新情况后重试。", "Someone acted on this task just now; nothing was written. Go back to the task, look at it again and retry.";
    ReportDuplicate => "{}，不能重复报送（同一期间只报一次；被退回的报告可修改后重新报送）", "{}: it cannot be filed twice (one report a period; a report sent back can be corrected and filed again)";
    BackToTask => "返回任务", "Back to the task";
    BadDate => "日期无法识别，应为 2026-06-30 这样的写法", "The date is not understood; write it as 2026-06-30";
    NoteTooLong => "理由或说明不能超过 1000 字", "A reason or note is at most 1000 characters";
    BoardHint => "挂牌督办的任务和区县，局内公开", "Tasks and counties under supervision, public within the bureau";
    BoardEmpty => "目前没有挂牌督办的任务。", "Nothing is under supervision.";
    ReportsToCorrect => "被退回待修改的报告", "Reports sent back to correct";
    TasksDue => "待办任务（按期限先后）", "Tasks due (soonest first)";
    TasksDone => "已达成或已销号", "Achieved or closed out";
    NothingDue => "没有待办的任务。", "Nothing is due.";
    Year => "年度", "Year";
    StartsByMonth => "{}年各月开工、完工项目数", "Projects started and completed by month, {}";
    ProjectsUnit => "所", "projects";
    Starts => "开工", "Started";
    Completions => "完工", "Completed";
    RatesSentence => "{}年计划开工新建改扩建项目 {} 所，已开工 {} 所，开工率 {}；计划完工 {} 所，已完工 {} 所，完工率 {}；新增学位 {} 个。", "In {}, {} projects were planned to start and {} have started (start rate {}); {} were planned to complete and {} have (completion rate {}); {} seats delivered.";
    RatesRule => "开工率 = 计划当年开工的项目中已开工的比例，完工率 = 计划当年完工的项目中已完工的比例，按 {} 的实际日期计算。", "Start rate: of the projects planned to start this year, the share started; completion rate likewise; by the actual dates as of {}.";
    PlannedStarts => "计划开工", "Planned starts";
    Started => "已开工", "Started";
    StartRate => "开工率", "Start rate";
    PlannedCompletions => "计划完工", "Planned completions";
    Completed => "已完工", "Completed";
    CompletionRate => "完工率", "Completion rate";
    PutInUse => "投入使用", "Put into use";
    SeatsDelivered => "新增学位", "Seats delivered";
    ProjectList => "项目清单", "Projects";
    ProjectCode => "项目编号", "Code";
    ProjectName => "项目名称", "Project";
    Kind => "类型", "Kind";
    Investment => "总投资（万元）", "Investment (10k yuan)";
    PlannedStart => "计划开工", "Planned start";
    ActualStart => "实际开工", "Started";
    PlannedCompletion => "计划竣工", "Planned completion";
    ActualCompletion => "实际竣工", "Completed";
    InUse => "投入使用", "In use";
    Forecast => "学位预测", "School-place forecast";
    ForecastOf => "{} 学位预测（{}—{}学年）", "{}: school-place forecast ({}–{})";
    ForecastLead => "以 {} 学年及以前的登记数据为基础，按队列要素法预测到 {} 学年；实线为登记数据，虚线为预测，阶梯线为学位（含新建项目）。", "From the registry up to {}, projected by the cohort-component method to {}; solid: observed, dashed: projected, the step line: seats (with the pipeline).";
    ForecastUnavailable => "暂不能预测：{}", "No forecast yet: {}";
    Scenario => "预测方案", "Scenario";
    Assumptions => "预测假设", "Assumptions";
    NoMapLine => "县区边界数据未随软件提供，以表格显示", "County boundaries are not shipped with the software; shown as a table";
    DemandObserved => "在校生（登记）", "Students (observed)";
    DemandProjected => "在校生（预测）", "Students (projected)";
    SeatsCapacity => "学位（含新建项目）", "Seats (with pipeline)";
    PipelineOpening => "新建项目投用", "Pipeline project opens";
    PeakMark => "入学高峰", "Peak";
    StageSummary => "高峰 {} 年 {} 人{}；最大缺口 {}；最大富余 {}；新建项目新增学位 {} 个", "Peak {}: {}{}; largest shortage {}; largest surplus {}; pipeline seats {}";
    PeakPassed => "（已过，此后需求下降）", " (passed: demand falls from here on)";
    GapIn => "{} 年 {} 个", "{}: {} seats";
    CountyGaps => "各区县学位缺口", "Seat gaps by county";
    CountyGapsNote => "红：小学或初中将出现学位缺口；黄：幼儿园将有两成以上学位空置；绿：均无。缺口 = 在校生 − 学位（含新建项目）。", "Red: primary or junior seats run short; yellow: a fifth or more of kindergarten seats stand empty; green: neither. Gap = students − seats (with the pipeline).";
    PrimaryShort => "小学缺口（首年 / 最大）", "Primary shortage (first / largest)";
    JuniorShort => "初中缺口（首年 / 最大）", "Junior shortage (first / largest)";
    PipelineCovers => "新建项目新增学位（小学+初中）", "Pipeline seats (primary + junior)";
    KindergartenEmpty => "幼儿园空置学位（最多的年份）", "Empty kindergarten seats (worst year)";
    NoShortage => "无缺口", "none";
    Accuracy => "回测精度", "Backtest accuracy";
    AccuracyNote => "平均绝对百分比误差（MAPE）与偏差（正 = 高估），按提前 1 年和 3 年，以 {} 个基年回测；与两种简单方法对照。", "Mean absolute percentage error (MAPE) and bias (positive = over-forecast), lead 1 and 3 years, backtested from {} base years; against two naive baselines.";
    Lead => "提前年数", "Lead (years)";
    Method => "方法", "Method";
    Mape => "MAPE", "MAPE";
    Bias => "偏差", "Bias";
    NoBacktest => "登记年份不足，未能回测。", "Too few observed years to backtest.";
    Shortfalls => "队列要素法未优于简单方法之处", "Where the cohort method does not beat a baseline";
    DownloadForecast => "下载预测表（.xlsx）", "Download the forecast (.xlsx)";
    SaveRun => "保存本次预测", "Save this forecast";
    RunLabel => "名称", "Label";
    SavedRuns => "已保存的预测", "Saved forecasts";
    NoSavedRuns => "尚未保存预测。", "No forecast saved yet.";
    MadeAt => "预测时间", "Made at";
    MadeBy => "预测人", "Made by";
    BaseYear => "基年", "Base year";
    SavedRun => "已保存的预测：{}", "Saved forecast: {}";
    SavedRunLead => "{} 由 {} 保存，基年 {} 学年，预测至 {} 学年。", "Saved {} by {}; base year {}, projected to {}.";
    AccuracySince => "与此后登记数据对照", "Against the years observed since";
    AccuracySinceNote => "该预测与保存后新登记学年的对照（在校生合计）。", "This forecast against the school years registered since it was saved (all students).";
    NoYearsSince => "保存后尚无新登记的学年，暂不能对照。", "No school year has been registered since; nothing to compare yet.";
    CurrentForecast => "当前预测", "Current forecast";
    BadRunLabel => "名称须为 1 至 100 个字符，且不含控制字符", "The label must be 1 to 100 characters, without control characters";
    BadScenario => "方案参数须为方案序号（0、1、2 …）", "The scenario must be a scenario's number (0, 1, 2 …)";
    CityBureau => "市教育局", "City bureau";
    RunsShown => "共 {} 次，列出最近 {} 次", "{} runs; the latest {} listed";
    // 中考招生 (pages/admission.rs).
    Admission => "中考招生", "High-school admission";
    AdmLead => "每年的录取数据（考生、高中、初中）先经检查、各校签字确认，再按政策录取（指标到校、平行志愿）；每次录取连同数据与政策一并保存，可解释、可比较、可更正后重录。", "Each year's inputs (candidates, senior and junior schools) are checked and signed off by each school, then run under a policy (quota seats, then the open round); every run is stored with its inputs and policy, explained, compared, and re-run after a correction.";
    AdmInputsVersions => "录取数据版本", "Inputs versions";
    AdmInputsVersion => "录取数据", "Inputs";
    AdmNoInputs => "还没有录取数据。市级管理员可用 edugov admission 导入，或在演示城市中生成。", "No inputs yet. The city administrator imports them with edugov admission, or the demo city generates them.";
    AdmVersion => "版本", "Version";
    AdmYear => "年份", "Year";
    AdmCandidates => "考生数", "Candidates";
    AdmSignOffProgress => "签字确认（学校）", "Signed off (schools)";
    AdmCheckErrors => "错误", "Errors";
    AdmCheckWarnings => "提示", "Warnings";
    AdmCorrects => "（更正自第 {} 版）", "(corrects version {})";
    AdmRuns => "录取记录", "Runs";
    AdmNoRuns => "还没有录取记录。", "No runs yet.";
    AdmRun => "录取", "Run";
    AdmRerunOf => "（第 {} 次录取的重新录取）", "(re-run of run {})";
    AdmPolicy => "录取政策", "Policy";
    AdmPlaced => "已录取", "Placed";
    AdmUnplaced => "未录取", "Not placed";
    AdmRunA => "录取甲", "Run A";
    AdmRunB => "录取乙", "Run B";
    AdmCompare => "比较两次录取", "Compare two runs";
    AdmNewRun => "进行录取", "Run an admission";
    AdmPreset50 => "演示政策：指标到校 50%", "Demo policy: 50 % quota seats";
    AdmPreset60 => "演示政策：指标到校 60%", "Demo policy: 60 % quota seats";
    AdmPolicyToml => "自定义政策（TOML，见 docs/admission.md）", "Own policy (TOML, see docs/admission.md)";
    AdmPolicyTomlHint => "name = \"2025年 指标到校55%\"\n……", "name = \"2025 quota 55%\"\n…";
    AdmPolicyTooLong => "政策文本过长（上限 {} 字节）", "The policy is too long (at most {} bytes)";
    AdmLabelHint => "留空则为“年份 政策名称”", "Empty: the year and the policy's name";
    AdmRunNow => "开始录取", "Run";
    AdmNoSuchInputs => "所选录取数据不存在", "No such inputs version";
    AdmNoSuchRun => "所选录取记录不存在", "No such run";
    AdmChoosePolicy => "请选择录取政策", "Choose a policy";
    AdmInputsLead => "{} 年：考生 {} 名，初中 {} 所，高中 {} 所。", "{}: {} candidates, {} junior schools, {} senior schools.";
    AdmRerunCorrected => "用更正后的数据重新录取", "Re-run on the corrected inputs";
    AdmNoEarlierRun => "上一版数据还没有录取记录。", "The corrected version has no run yet.";
    AdmRerunWith => "按第 {} 次录取的政策（{}）重新录取", "Re-run with run {}'s policy ({})";
    AdmCorrections => "本版更正的内容", "What this version corrects";
    AdmCheckReport => "数据检查", "Check";
    AdmCheckSummary => "按政策“{}”检查：错误 {} 处，提示 {} 处。有错误时不能录取。", "Checked under the policy “{}”: {} errors, {} warnings. A version with errors cannot be run.";
    AdmProblemsHidden => "另有 {} 处问题在您查看范围以外的考生行中。", "{} more problems are in candidates' rows outside your scope.";
    AdmSeverity => "级别", "Severity";
    AdmSheet => "工作表", "Sheet";
    AdmRow => "行", "Row";
    AdmField => "项目", "Field";
    AdmProblem => "问题", "Problem";
    AdmError => "错误", "Error";
    AdmWarning => "提示", "Warning";
    AdmSignOffs => "各校签字确认", "Schools' sign-off";
    AdmSignOffCount => "已确认 {} 所，共 {} 所", "{} of {} schools signed off";
    AdmKind => "类别", "Kind";
    AdmJuniorSchool => "初中学校", "Junior school";
    AdmSeniorSchool => "高中学校", "Senior school";
    AdmSignedBy => "确认", "Signed off";
    AdmNotSigned => "未确认", "Not signed off";
    AdmCorrect => "更正数据", "Correct an input";
    AdmSignOffList => "确认名单", "List to sign off";
    AdmListLead => "{}：考生 {} 名，具备录取资格 {} 名，具备指标生资格 {} 名。", "{}: {} candidates, {} eligible, {} eligible for quota seats.";
    AdmQuotaSeatsHere => "分配到本校的指标生名额", "Quota seats allotted to this school";
    AdmSeniorSeats => "招生计划 {} 人，其中指标到校 {} 人。", "{} seats, of which {} reserved for quota candidates.";
    AdmRankedCandidates => "考生排名", "Candidates by rank";
    AdmRank => "排名", "Rank";
    AdmExamNumber => "准考证号", "Examination number";
    AdmTotal => "总分", "Total";
    AdmEligible => "录取资格", "Eligible";
    AdmQuotaEligible => "指标生资格", "Quota-eligible";
    AdmBelowMinimum => "低于指标生最低分", "Below the quota minimum";
    AdmSignOff => "签字确认", "Sign off";
    AdmSignedOffBy => "已由 {} 于 {} 确认。{}", "Signed off by {} at {}. {}";
    AdmSignOffNote => "说明（可空）", "Note (optional)";
    AdmSignOffButton => "确认名单无误", "Sign off this list";
    AdmBackToInputs => "返回录取数据", "Back to the inputs";
    AdmTextRefused => "“{}”不能含控制字符或双向文字控制符（U+{}），请删去后重试", "“{}” may not hold a control or bidirectional formatting character (U+{}); remove it and try again";
    AdmTextTooLong => "“{}”不能超过 {} 个字", "“{}” may hold at most {} characters";
    AdmCorrectionCheckFails => "更正后的数据核查有错误，未保存：", "The corrected inputs fail the check; nothing saved: ";
    AdmUnrelatedInputs => "两次录取基于不相关的录取数据，录取变化名单按准考证号对应，仅供参考", "The two runs are on unrelated inputs; who moved is matched by examination number, for reference only";
    AdmAlreadySigned => "该校名单已确认过，不能重复确认。", "This school's list is already signed off; it cannot be signed twice.";
    AdmCorrectLead => "更正一名考生的一项数据：保存为新的数据版本（原版本不变），记入审计日志；之后可按原政策重新录取，查看谁的录取结果变了。", "Correct one field of one candidate: saved as a new version (the old one stays), audited; then re-run with the same policy and see who moved.";
    AdmNewValue => "新值", "New value";
    AdmNewValueHint => "分数如 612.5；资格填“是”或“否”；志愿填学校标识码，用空格或逗号分隔。", "A score such as 612.5; a flag 是 or 否; a list as school codes separated by spaces or commas.";
    AdmCorrectReason => "更正原因", "Reason";
    AdmCorrectSave => "保存为新版本", "Save as a new version";
    AdmRunLead => "{} 年，{} 由 {} 录取。", "{}, run at {} by {}.";
    AdmCandidateList => "考生名单", "Candidates";
    AdmChanges => "录取结果变化", "Changed placements";
    AdmDownload => "下载录取结果（.xlsx）", "Download the result (.xlsx)";
    AdmDownloadUnmasked => "下载完整信息（记入审计日志）", "Download in full (audited)";
    AdmSummary => "录取概况", "Summary";
    AdmPlacedQuota => "指标生录取", "Placed as quota candidates";
    AdmPlacedOpen => "统招录取", "Placed in the open round";
    AdmFirstChoice => "被第一志愿录取", "Placed at their first choice";
    AdmRuralInQuality => "农村学校考生进入优质高中", "Rural candidates in quality schools";
    AdmAllInQuality => "全部考生进入优质高中", "All candidates in quality schools";
    AdmSpread => "各初中指标生分数线差距（平均 / 最大，分）", "Spread of junior schools' quota cutoffs (mean / max, points)";
    AdmQuotaCost => "因填报指标志愿而受损的考生", "Candidates worse off for listing a quota school";
    AdmYourCandidates => "您范围内的考生（已录取 / 全部）", "Candidates in your scope (placed / all)";
    AdmSchools => "各高中录取情况", "Senior schools";
    AdmSeats => "招生计划", "Seats";
    AdmQuotaSeats => "指标名额", "Quota seats";
    AdmQuotaAdmitted => "指标生录取", "Quota admitted";
    AdmReturned => "转统招", "Returned";
    AdmOpenSeats => "统招名额", "Open seats";
    AdmAdmitted => "录取", "Admitted";
    AdmLeft => "剩余", "Left";
    AdmQuotaCutoff => "指标生分数线", "Quota cutoff";
    AdmOpenCutoff => "统招分数线", "Open cutoff";
    AdmExplain => "查询录取原因", "Why (not) admitted";
    AdmQuotaSplit => "指标名额分配与分数线", "Quota split and cutoffs";
    AdmSchoolLead => "招生计划 {} 人，指标名额 {} 人，指标生录取 {} 人，转统招 {} 人；指标生最低录取分 {}，统招分数线 {}。", "{} seats, {} quota seats, {} quota admitted, {} returned; lowest quota admit {}, open cutoff {}.";
    AdmNoQuota => "该校本次没有指标名额。", "No quota seats at this school in this run.";
    AdmRuralWeak => "农村 / 薄弱", "Rural / weak";
    AdmRural => "农村", "rural";
    AdmWeak => "薄弱", "weak";
    AdmWeight => "权重", "Weight";
    AdmExactShare => "应得份额", "Exact share";
    AdmBackToRun => "返回本次录取", "Back to the run";
    AdmCandidatesShown => "您可查看的考生 {} 名（姓名与准考证号已脱敏）", "{} candidates you may see (names and numbers masked)";
    AdmAllJunior => "全部初中", "All junior schools";
    AdmShowUnmasked => "显示本页完整姓名和准考证号（记入审计日志）", "Show full names and numbers on this page (audited)";
    AdmPlacement => "录取结果", "Placement";
    AdmWhyFirst => "第一志愿为何（未）录取", "Why (not) the first choice";
    AdmChoiceN => "第 {} 志愿", ", choice {}";
    AdmSchoolCode => "高中学校标识码", "Senior school code";
    AdmFirstChoiceHint => "留空为第一志愿", "Empty: the first choice";
    AdmNoCandidate => "没有找到该考生。", "No such candidate.";
    AdmQuotaList => "指标志愿", "Quota list";
    AdmOpenList => "统招志愿", "Open list";
    AdmNothingListed => "该考生没有填报志愿。", "This candidate listed no school.";
    AdmAskAnother => "查询其他志愿：", "Ask about another school:";
    AdmBefore => "原录取结果", "Before";
    AdmAfter => "现录取结果", "After";
    AdmNoPrevious => "这次录取不是重新录取，没有可比较的上一次。", "This run re-does no earlier run: nothing to compare with.";
    AdmChangesLead => "与第 {} 次录取相比，录取结果变化的考生 {} 名。", "Against run {}, {} candidates' placements changed.";
    AdmSpreadBySchool => "各优质高中的初中间分数线差距（分）", "Spread of junior-school cutoffs per quota school (points)";
    AdmMoved => "录取结果不同的考生", "Candidates placed differently";
    AdmUploadInputs => "导入录取数据", "Import admission inputs";
    AdmUploadButton => "导入", "Import";
    AdmUploadHint => "一个 .xlsx 工作簿，含“考生”“高中学校”“初中学校”三张工作表（列见 docs/admission.md）；全部行无误才保存为新版本。", "One .xlsx workbook with the sheets 考生, 高中学校 and 初中学校 (columns in docs/admission.md); stored as a new version only when every row reads.";
    AdmBadYear => "年份应为 2000 到 2100 之间的整数", "The year must be a whole number from 2000 to 2100";
    AdmOnlyXlsx => "“{}”不是 .xlsx 工作簿", "“{}” is not an .xlsx workbook";
    AdmUploadErrors => "共 {} 处错误，未保存：", "{} errors; nothing stored:";
    AdmMadeAt => "时间", "When";
    AdmMadeBy => "操作人", "By";
    AdmName => "姓名", "Name";
    AdmOldValue => "原值", "Before";
    AdmMovedLead => "两次录取结果不同的考生 {} 名。", "{} candidates placed differently.";
}

/// A message with its `{}` filled in order by `args`.
pub fn tf(lang: Lang, msg: Msg, args: &[&dyn std::fmt::Display]) -> String {
    let mut parts = t(lang, msg).split("{}");
    let mut out = parts.next().unwrap_or_default().to_owned();
    for (i, part) in parts.enumerate() {
        if let Some(arg) = args.get(i) {
            out.push_str(&arg.to_string());
        }
        out.push_str(part);
    }
    out
}

/// A school year in `lang`: 2024—2025学年 / 2024–2025.
pub fn year_label(lang: Lang, year: registry::SchoolYear) -> String {
    match lang {
        Lang::Zh => year.label_zh(),
        Lang::En => format!("{}–{}", year.0, year.0 + 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_has_both_languages() {
        for msg in Msg::ALL {
            assert!(!t(Lang::Zh, *msg).is_empty(), "{msg:?}");
            assert!(!t(Lang::En, *msg).is_empty(), "{msg:?}");
        }
    }

    #[test]
    fn both_languages_take_the_same_arguments() {
        for msg in Msg::ALL {
            assert_eq!(
                t(Lang::Zh, *msg).matches("{}").count(),
                t(Lang::En, *msg).matches("{}").count(),
                "{msg:?}"
            );
        }
        assert_eq!(tf(Lang::En, Msg::UserAdded, &[&"li"]), "User li added");
        assert_eq!(tf(Lang::Zh, Msg::UserAdded, &[&"li"]), "已添加用户 li");
    }
}
