//! The year's 48 penalty cases of the `xuefu-2024` profile: who the parties are, how each
//! case opens and what is decided, by kind of case.

use crate::cases::model::{CaseSource, HazardLevel};

/// Who the party of a penalty case is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    Individual,
    /// A 个体工商户 of one of the industries named.
    SoleTrader(&'static [&'static str]),
    /// An enterprise of one of the industries named.
    Enterprise(&'static [&'static str]),
}

/// What is decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sanction {
    Warning,
    /// A fine between the bounds (fen); the year's total fixes each amount.
    Fine(i64, i64),
    WarningAndFine(i64, i64),
    /// 首违不罚 (APL art. 33): no penalty after the party's education.
    FirstViolationNotPunished,
}

/// How a penalty case starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opening {
    /// 简易程序: decided on the spot.
    OnTheSpot,
    /// 普通程序, opened from a complaint, the 12345 hotline or patrol.
    Ordinary(CaseSource),
    /// 普通程序, escalated from an inspection that found it (转立案) with this finding.
    FromInspection(&'static str, HazardLevel),
}

/// A kind of penalty case and how many of the year's 48 were of it.
pub struct PenaltyScenario {
    pub power: &'static str,
    pub opening: Opening,
    pub party: Party,
    pub count: usize,
    /// 案由.
    pub summary: &'static str,
    /// The facts; `{date}`, `{party}` and `{place}` are filled in.
    pub facts: &'static str,
    pub sanction: Sanction,
}

const fn scenario(
    power: &'static str,
    opening: Opening,
    party: Party,
    count: usize,
    (summary, facts): (&'static str, &'static str),
    sanction: Sanction,
) -> PenaltyScenario {
    PenaltyScenario {
        power,
        opening,
        party,
        count,
        summary,
        facts,
        sanction,
    }
}

use CaseSource::{Complaint, Hotline12345, Routine};
use Opening::{FromInspection, OnTheSpot, Ordinary};
use Party::{Enterprise, Individual, SoleTrader};
use Sanction::{Fine, FirstViolationNotPunished, Warning, WarningAndFine};

/// The year's penalty cases: 28 on the spot, 14 ordinary, 6 escalated from inspections.
pub const PENALTY_SCENARIOS: &[PenaltyScenario] = &[
    // 简易程序 (APL art. 51): a warning, or ≤ ¥200 for individuals and 个体工商户, ≤ ¥3,000 for organisations.
    scenario(
        "XF-CG-001",
        OnTheSpot,
        Individual,
        5,
        (
            "随地吐痰、乱扔烟头",
            "{date}，当事人{party}在{place}附近人行道随地吐痰、乱扔烟头，经执法人员当场指出后承认上述事实。",
        ),
        Fine(2_000, 5_000),
    ),
    scenario(
        "XF-WJ-006",
        OnTheSpot,
        Individual,
        4,
        (
            "在禁止吸烟场所吸烟且不听劝阻",
            "{date}，当事人{party}在{place}室内禁止吸烟场所吸烟，经场所工作人员劝阻后仍继续吸烟。",
        ),
        Fine(5_000, 20_000),
    ),
    scenario(
        "XF-CG-016",
        OnTheSpot,
        Individual,
        4,
        (
            "流动摊贩占道经营",
            "{date}，当事人{party}在{place}人行道上摆摊销售水果，占用城市道路经营。",
        ),
        Fine(5_000, 20_000),
    ),
    scenario(
        "XF-CG-002",
        OnTheSpot,
        Individual,
        3,
        (
            "张贴小广告",
            "{date}，当事人{party}在{place}附近的电线杆、公交站牌上张贴小广告。",
        ),
        Fine(5_000, 20_000),
    ),
    scenario(
        "XF-FH-007",
        OnTheSpot,
        Individual,
        2,
        (
            "在楼道内堆放杂物堵塞疏散通道",
            "{date}，执法人员在{place}检查发现，当事人{party}在楼道内堆放纸箱、旧家具等杂物，堵塞疏散通道。",
        ),
        Warning,
    ),
    scenario(
        "XF-CG-016",
        OnTheSpot,
        SoleTrader(&["餐饮", "食品零售", "五金建材"]),
        3,
        (
            "店外占道经营",
            "{date}，当事人{party}在其位于{place}的经营场所门前人行道上摆放货架、桌椅，超出门窗外墙经营。",
        ),
        Fine(10_000, 20_000),
    ),
    scenario(
        "XF-CG-005",
        OnTheSpot,
        SoleTrader(&["餐饮", "食品零售", "汽车维修"]),
        2,
        (
            "不履行门前卫生责任区清扫保洁义务",
            "{date}，当事人{party}位于{place}的门前责任区内垃圾、油污未及时清扫，经提示后仍未保洁。",
        ),
        Fine(10_000, 20_000),
    ),
    scenario(
        "XF-SJ-002",
        OnTheSpot,
        Enterprise(&["食品零售", "餐饮"]),
        2,
        (
            "未按规定明码标价",
            "{date}，执法人员检查发现当事人{party}在{place}的经营场所内部分商品未标明价格。",
        ),
        Warning,
    ),
    scenario(
        "XF-SJ-007",
        OnTheSpot,
        Enterprise(&["餐饮", "美容美发", "汽车维修"]),
        1,
        (
            "未将营业执照置于醒目位置",
            "{date}，执法人员检查发现当事人{party}未将营业执照置于其位于{place}的经营场所醒目位置。",
        ),
        Warning,
    ),
    scenario(
        "XF-CG-005",
        OnTheSpot,
        Enterprise(&["餐饮", "食品零售", "物业管理"]),
        2,
        (
            "不履行卫生责任区清扫保洁义务",
            "{date}，当事人{party}负责的{place}卫生责任区内垃圾堆积、未按规定清运。",
        ),
        Fine(20_000, 100_000),
    ),
    // 普通程序.
    scenario(
        "XF-CG-012",
        Ordinary(Complaint),
        Enterprise(&["餐饮"]),
        2,
        (
            "随意倾倒生活垃圾",
            "经群众举报，{date}执法人员现场调查查明，当事人{party}将其位于{place}的餐厅产生的餐厨垃圾倾倒在路边绿地内。",
        ),
        Fine(50_000, 200_000),
    ),
    scenario(
        "XF-CG-015",
        Ordinary(Hotline12345),
        Enterprise(&["建筑施工"]),
        1,
        (
            "未经批准擅自占用城市道路",
            "经12345热线反映，{date}执法人员现场调查查明，当事人{party}未经批准在{place}占用人行道堆放施工材料、停放机械。",
        ),
        Fine(100_000, 300_000),
    ),
    scenario(
        "XF-CG-014",
        Ordinary(Routine),
        Enterprise(&["物业管理"]),
        1,
        (
            "将建筑垃圾混入生活垃圾",
            "{date}，执法人员巡查发现，当事人{party}管理的{place}小区生活垃圾收集点内混有装修建筑垃圾。",
        ),
        Fine(30_000, 100_000),
    ),
    scenario(
        "XF-WJ-003",
        Ordinary(Complaint),
        SoleTrader(&["美容美发"]),
        2,
        (
            "未按照规定对顾客用品用具进行清洗、消毒",
            "经顾客投诉，{date}执法人员现场检查查明，当事人{party}在{place}的经营场所内毛巾、理发工具未按规定清洗消毒后重复使用。",
        ),
        Fine(20_000, 80_000),
    ),
    scenario(
        "XF-SJ-001",
        Ordinary(Hotline12345),
        Individual,
        1,
        (
            "无照经营",
            "经12345热线反映，{date}执法人员调查查明，当事人{party}未依法取得营业执照，在{place}从事早点经营。",
        ),
        Fine(20_000, 100_000),
    ),
    scenario(
        "XF-AQ-002",
        Ordinary(Routine),
        Enterprise(&["仓储物流"]),
        1,
        (
            "未如实记录安全生产教育和培训情况",
            "{date}，执法人员检查发现，当事人{party}未如实记录其位于{place}的仓库从业人员安全生产教育和培训情况；当事人系初次违法，已当场改正。",
        ),
        FirstViolationNotPunished,
    ),
    scenario(
        "XF-SJ-007",
        Ordinary(Routine),
        Enterprise(&["餐饮", "食品零售"]),
        1,
        (
            "未将营业执照置于醒目位置",
            "{date}，执法人员检查发现，当事人{party}未将营业执照置于其位于{place}的经营场所醒目位置；当事人系初次违法，已立即改正。",
        ),
        FirstViolationNotPunished,
    ),
    scenario(
        "XF-FH-010",
        Ordinary(Complaint),
        Individual,
        1,
        (
            "在楼道内停放电动自行车并充电",
            "经居民举报，{date}执法人员现场调查查明，当事人{party}在{place}楼道内停放电动自行车并私拉电线充电。",
        ),
        Fine(20_000, 50_000),
    ),
    scenario(
        "XF-ZJ-011",
        Ordinary(Hotline12345),
        Individual,
        1,
        (
            "擅自改装户内燃气设施",
            "经燃气公司报告，{date}执法人员调查查明，当事人{party}在{place}住宅装修中擅自改装户内燃气管道。",
        ),
        Fine(50_000, 100_000),
    ),
    scenario(
        "XF-WL-002",
        Ordinary(Complaint),
        Enterprise(&["网吧娱乐"]),
        1,
        (
            "互联网上网服务营业场所在规定的营业时间以外营业",
            "经群众举报，{date}执法人员检查查明，当事人{party}位于{place}的网吧于凌晨二时仍在营业。",
        ),
        Warning,
    ),
    scenario(
        "XF-ST-007",
        Ordinary(Hotline12345),
        Individual,
        1,
        (
            "在公共场所组织健身活动音量过大造成噪声污染",
            "经12345热线多次反映，{date}执法人员现场调查查明，当事人{party}在{place}附近广场组织健身活动，使用音响设备音量过大，经劝阻拒不改正。",
        ),
        Fine(20_000, 50_000),
    ),
    scenario(
        "XF-CG-020",
        Ordinary(Complaint),
        SoleTrader(&["餐饮"]),
        1,
        (
            "在禁止的区域内露天烧烤",
            "经群众举报，{date}执法人员现场调查查明，当事人{party}在{place}门前人行道上露天烧烤食品。",
        ),
        Fine(50_000, 100_000),
    ),
    // 普通程序, 检查发现转立案.
    scenario(
        "XF-SJ-002",
        FromInspection("部分商品未明码标价", HazardLevel::None),
        Enterprise(&["食品零售"]),
        1,
        (
            "未按规定明码标价",
            "{date}，执法人员在对当事人{party}位于{place}的经营场所检查时发现部分商品未明码标价，经责令改正后仍有商品未标价。",
        ),
        Fine(30_000, 100_000),
    ),
    scenario(
        "XF-WJ-002",
        FromInspection("未按规定开展空气、水质卫生检测", HazardLevel::General),
        Enterprise(&["住宿"]),
        1,
        (
            "未按照规定对公共场所的空气、水质等进行卫生检测",
            "{date}，执法人员在对当事人{party}位于{place}的酒店检查时发现，其未按规定对公共场所空气、水质进行卫生检测。",
        ),
        Warning,
    ),
    scenario(
        "XF-AQ-005",
        FromInspection("电气线路私拉乱接，前次检查后仍未整改", HazardLevel::General),
        Enterprise(&["仓储物流"]),
        1,
        (
            "未采取措施消除事故隐患",
            "{date}，执法人员在对当事人{party}位于{place}的仓库检查时发现电气线路私拉乱接，该隐患经前次检查指出后仍未消除。",
        ),
        Fine(100_000, 300_000),
    ),
    scenario(
        "XF-CG-009",
        FromInspection("店外人行道堆放建材", HazardLevel::General),
        SoleTrader(&["五金建材"]),
        1,
        (
            "擅自在街道两侧堆放物料",
            "{date}，执法人员在对当事人{party}检查时发现，其在{place}店外人行道上擅自堆放砂石、板材等建材。",
        ),
        Fine(30_000, 80_000),
    ),
    scenario(
        "XF-WJ-010",
        FromInspection("医疗废物未按规定分类收集、暂时贮存", HazardLevel::General),
        SoleTrader(&["医疗"]),
        1,
        (
            "未按规定对医疗废物进行分类收集、暂时贮存",
            "{date}，执法人员在对当事人{party}位于{place}的诊所检查时发现，医疗废物与生活垃圾混放，未设置医疗废物暂时贮存设施。",
        ),
        WarningAndFine(50_000, 150_000),
    ),
    scenario(
        "XF-SJ-008",
        FromInspection("使用未经检定的电子秤", HazardLevel::None),
        SoleTrader(&["食品零售"]),
        1,
        (
            "使用不合格的计量器具",
            "{date}，执法人员在对当事人{party}位于{place}的经营场所检查时发现，其使用未经检定的电子秤称量销售商品。",
        ),
        Fine(20_000, 50_000),
    ),
];
