//! The `xuefu-2024` profile: a year of a street office's enforcement work as its 2024
//! rule-of-law report tells it — 2895 inspections, 48 penalty cases, fines of ¥9,200,
//! 320 general and 10 major hazards found and rectified, every officer on cases, every
//! power exercised. The people, firms, streets and codes are invented.

mod penalties;

pub use penalties::*;

use crate::auth::Role;

pub const AGENCY_NAME: &str = "学府街道办事处";
pub const AGENCY_CODE: &str = "XF";
pub const CASE_PREFIX: &str = "学府";
/// The password of every demo user. It is public (printed and in the README): a demo
/// database is for trying the service, never for real cases.
pub const DEMO_PASSWORD: &str = "xuefu-demo-2024";
pub const YEAR: i32 = 2024;
/// The seed of everything drawn: two runs give the same data.
pub const SEED: u64 = 20_241_231;

// The report's figures: the profile's targets.
pub const INSPECTION_CASES: usize = 2895;
pub const PENALTY_CASES: usize = 48;
pub const FINES_TOTAL_FEN: i64 = 920_000;
pub const GENERAL_HAZARDS: usize = 320;
pub const MAJOR_HAZARDS: usize = 10;

/// An item of the agency's published inspection list (检查事项清单, 国办发〔2024〕54号 三):
/// one per inspection power of the sample list, with what is checked and how many times a
/// year one firm may be inspected under it (四). Higher-risk matters (fire, food, safety)
/// allow more visits, as the opinion's 分级分类 lets an agency set; complaint-triggered
/// visits are outside the cap.
pub struct ItemSpec {
    /// The inspection power the item rests on.
    pub power: &'static str,
    pub code: &'static str,
    pub name: &'static str,
    pub standard: &'static str,
    pub yearly_cap: u32,
}

pub const INSPECTION_ITEMS: [ItemSpec; 9] = [
    ItemSpec {
        power: "XF-CG-022",
        code: "XF-JC-001",
        name: "市容环境卫生责任区检查",
        standard: "门前三包责任落实；无占道经营、乱堆乱放；店招店牌、户外广告设置牢固规范",
        yearly_cap: 4,
    },
    ItemSpec {
        power: "XF-SJ-009",
        code: "XF-JC-002",
        name: "食品经营场所食品安全检查",
        standard: "持有效食品经营许可证；从业人员健康证明齐全；原料进货查验记录完整；加工场所清洁、生熟分开",
        yearly_cap: 4,
    },
    ItemSpec {
        power: "XF-SJ-010",
        code: "XF-JC-003",
        name: "经营主体登记事项和经营行为检查",
        standard: "营业执照悬挂于显著位置；实际经营场所、经营范围与登记一致；明码标价",
        yearly_cap: 3,
    },
    ItemSpec {
        power: "XF-ST-012",
        code: "XF-JC-004",
        name: "餐饮油烟、扬尘和社会生活噪声检查",
        standard: "油烟净化设施正常运行并定期清洗；施工工地围挡、覆盖、冲洗到位；经营噪声不超过排放标准",
        yearly_cap: 3,
    },
    ItemSpec {
        power: "XF-AQ-011",
        code: "XF-JC-005",
        name: "生产经营单位安全生产检查",
        standard: "安全生产责任制和操作规程健全；燃气、电气设施安全；从业人员安全培训记录齐全",
        yearly_cap: 4,
    },
    ItemSpec {
        power: "XF-WJ-011",
        code: "XF-JC-006",
        name: "公共场所卫生检查",
        standard: "持有效卫生许可证；从业人员健康检查合格；公共用品用具清洗消毒",
        yearly_cap: 3,
    },
    ItemSpec {
        power: "XF-FH-011",
        code: "XF-JC-007",
        name: "“九小场所”消防安全检查",
        standard: "疏散通道、安全出口畅通；灭火器配置并在有效期内；无违规住人、电动自行车违规充电",
        yearly_cap: 6,
    },
    ItemSpec {
        power: "XF-ZJ-004",
        code: "XF-JC-008",
        name: "违法建设巡查检查",
        standard: "无未取得建设工程规划许可证或者未按照许可内容进行的建设",
        yearly_cap: 3,
    },
    ItemSpec {
        power: "XF-WL-010",
        code: "XF-JC-009",
        name: "文化市场经营场所检查",
        standard: "持有效经营许可证；未成年人禁入标志设置；上网人员身份登记",
        yearly_cap: 3,
    },
];

/// The published item resting on an inspection power.
pub fn item_of(power: &str) -> Option<&'static ItemSpec> {
    INSPECTION_ITEMS.iter().find(|item| item.power == power)
}

/// Private individuals in the register (parties of on-the-spot penalties, residents).
pub const INDIVIDUALS: usize = 90;

/// A user of the demo agency.
pub struct StaffMember {
    pub username: &'static str,
    pub display_name: &'static str,
    pub roles: &'static [Role],
    /// Officers: 执法证号, its expiry and the department (index into `DEPARTMENTS`).
    pub certificate: Option<(&'static str, &'static str, usize)>,
    pub legal_qualification: Option<&'static str>,
}

const fn officer(
    username: &'static str,
    display_name: &'static str,
    certificate_no: &'static str,
    expires_on: &'static str,
    department: usize,
) -> StaffMember {
    StaffMember {
        username,
        display_name,
        roles: &[Role::Officer],
        certificate: Some((certificate_no, expires_on, department)),
        legal_qualification: None,
    }
}

/// The admin, created only with a new agency (an existing one has its own).
pub const ADMIN: StaffMember = StaffMember {
    username: "admin",
    display_name: "系统管理员",
    roles: &[Role::Admin],
    certificate: None,
    legal_qualification: None,
};

/// The head (负责人): approves filings, decides ordinary cases, acknowledges on-the-spot
/// decisions. Not an officer, so never on a case he decides.
pub const HEAD: StaffMember = StaffMember {
    username: "wang.jianguo",
    display_name: "王建国",
    roles: &[Role::Supervisor],
    certificate: None,
    legal_qualification: None,
};

/// The hired lawyer who reviews ordinary decisions (法制审核).
pub const COUNSEL: StaffMember = StaffMember {
    username: "zheng.xiaoguang",
    display_name: "郑晓光",
    roles: &[Role::LegalCounsel],
    certificate: None,
    legal_qualification: Some("A20121101110456"),
};

/// Sixteen officers, two per department the powers come from (the department's team).
pub const OFFICERS: [StaffMember; 16] = [
    officer("zhang.wei", "张伟", "12010421001", "2027-06-30", 0),
    officer("li.na", "李娜", "12010421002", "2027-06-30", 0),
    officer("wang.lei", "王磊", "12010421003", "2027-06-30", 1),
    officer("liu.yang", "刘洋", "12010422004", "2028-06-30", 1),
    officer("chen.jing", "陈静", "12010422005", "2028-06-30", 2),
    officer("yang.fan", "杨帆", "12010420006", "2026-12-31", 2),
    officer("zhao.qiang", "赵强", "12010422007", "2028-06-30", 3),
    officer("huang.li", "黄丽", "12010423008", "2029-06-30", 3),
    officer("zhou.jie", "周杰", "12010423009", "2029-06-30", 4),
    officer("wu.min", "吴敏", "12010420010", "2026-12-31", 4),
    officer("xu.tao", "徐涛", "12010421011", "2027-06-30", 5),
    officer("sun.yue", "孙悦", "12010423012", "2029-06-30", 5),
    officer("ma.chao", "马超", "12010422013", "2028-06-30", 6),
    officer("zhu.lin", "朱琳", "12010421014", "2027-06-30", 6),
    officer("hu.bin", "胡斌", "12010423015", "2029-06-30", 7),
    officer("guo.ting", "郭婷", "12010423016", "2029-06-30", 7),
];

/// A department that delegated powers to the street (下沉部门), as the power list names
/// it, with what its inspections find.
pub struct Department {
    /// `source_department` in the power list; also the officers' enforcement field.
    pub source: &'static str,
    /// The inspection as a summary names it.
    pub check: &'static str,
    /// Relative share of the inspections of a subject this department covers.
    pub weight: u32,
    pub compliant: &'static [&'static str],
    /// Violations that are no hazard (责令改正 all the same).
    pub minor: &'static [&'static str],
    pub general: &'static [&'static str],
    pub major: &'static [&'static str],
    /// How many of the year's major hazards this department found.
    pub majors: usize,
}

pub const DEPARTMENTS: [Department; 8] = [
    Department {
        source: "城市管理",
        check: "市容环境卫生检查",
        weight: 5,
        compliant: &[
            "门前三包责任落实到位，未发现占道经营、乱堆乱放问题",
            "店招店牌设置规范，责任区整洁",
        ],
        minor: &["门前责任区保洁不及时", "店外摆放宣传立牌占用人行道"],
        general: &[
            "店外违规搭建遮阳棚，存在坠落隐患",
            "临街窗口吊挂物品，存在坠落隐患",
            "门前堆放杂物影响行人通行",
        ],
        major: &["户外广告牌支撑结构锈蚀松动，存在倒塌坠落重大隐患"],
        majors: 1,
    },
    Department {
        source: "市场监管",
        check: "市场主体经营行为检查",
        weight: 6,
        compliant: &[
            "营业执照、经营许可证照齐全有效，明码标价规范",
            "进货查验记录完整，未发现过期商品",
        ],
        minor: &["营业执照未悬挂于醒目位置", "部分商品未明码标价", "进货查验记录不完整"],
        general: &[
            "冷藏柜温度不达标，部分食品存放不规范",
            "食品与非食品混放",
            "从业人员健康证明过期",
        ],
        major: &["后厨存放过期食品原料，存在食品安全重大隐患"],
        majors: 0,
    },
    Department {
        source: "生态环境",
        check: "油烟、扬尘和噪声污染检查",
        weight: 3,
        compliant: &[
            "油烟净化设施正常运行，清洗维护记录齐全",
            "施工现场围挡、覆盖、冲洗等扬尘防治措施到位",
        ],
        minor: &["油烟净化设施清洗维护记录不全"],
        general: &[
            "油烟净化设施未定期清洗，排放口油污严重",
            "施工现场部分裸土未覆盖",
            "车辆出入口未设置冲洗设施",
        ],
        major: &["施工现场大面积裸土未覆盖、未采取降尘措施，扬尘污染严重"],
        majors: 1,
    },
    Department {
        source: "安全生产",
        check: "安全生产检查",
        weight: 4,
        compliant: &[
            "安全生产责任制、隐患排查治理记录齐全，未发现安全隐患",
            "安全设备定期检测维护，劳动防护用品配备齐全",
        ],
        minor: &["安全生产教育培训记录不完整"],
        general: &[
            "电气线路私拉乱接",
            "配电箱前堆放杂物",
            "部分劳动防护用品缺失",
            "货架超高堆放，未采取防倾倒措施",
        ],
        major: &[
            "有限空间作业未进行通风检测、未配备防护设备",
            "仓库内违规存放易燃易爆危险物品",
        ],
        majors: 3,
    },
    Department {
        source: "卫生健康",
        check: "公共场所卫生检查",
        weight: 3,
        compliant: &[
            "卫生许可证、从业人员健康证明齐全，消毒记录规范",
            "禁烟标识张贴规范，场所内无吸烟现象",
        ],
        minor: &["顾客用品用具消毒记录不完整", "禁止吸烟标识缺失"],
        general: &[
            "顾客用品用具未按规定清洗消毒",
            "未按规定开展空气、水质卫生检测",
            "消毒间设置不规范",
        ],
        major: &["二次供水水箱未按规定清洗消毒，存在饮用水卫生安全重大隐患"],
        majors: 0,
    },
    Department {
        source: "消防",
        check: "消防安全检查",
        weight: 7,
        compliant: &[
            "消防设施器材完好有效，疏散通道、安全出口畅通",
            "灭火器配置符合要求，消防安全巡查记录齐全",
        ],
        minor: &["消防安全巡查记录不完整", "员工消防安全培训记录缺失"],
        general: &[
            "灭火器压力不足",
            "疏散通道堆放杂物",
            "应急照明灯损坏",
            "安全出口指示标志不亮",
            "电动自行车在楼道内停放充电",
        ],
        major: &[
            "安全出口被锁闭，疏散通道严重堵塞",
            "住宿与经营、储存场所未有效分隔（“三合一”）",
        ],
        majors: 4,
    },
    Department {
        source: "住房和城乡建设",
        check: "违法建设和房屋安全巡查",
        weight: 2,
        compliant: &[
            "未发现违法建设和擅自改变房屋结构行为",
            "物业共用部位、共用设施设备使用规范",
        ],
        minor: &["装修施工未在楼内公示装修登记信息"],
        general: &[
            "装修擅自拆改燃气管道",
            "擅自占用物业管理区域道路堆放建筑材料",
            "燃气软管老化未及时更换",
        ],
        major: &["装修擅自拆除承重墙，危及房屋结构安全"],
        majors: 1,
    },
    Department {
        source: "文化旅游",
        check: "文化市场经营场所检查",
        weight: 2,
        compliant: &[
            "经营许可证照齐全，未发现接纳未成年人等违规行为",
            "上网消费者实名登记规范",
        ],
        minor: &["未成年人禁入标志悬挂不规范", "上网消费者实名登记记录不全"],
        general: &["营业场所视频监控设备故障", "包间门窗设置影响安全疏散"],
        major: &[],
        majors: 0,
    },
];

/// An industry of the register: how many firms of each kind, what they are called and
/// which departments inspect them (indices into `DEPARTMENTS`).
pub struct Industry {
    pub name: &'static str,
    pub enterprises: usize,
    pub sole_traders: usize,
    pub other_orgs: usize,
    pub company_word: &'static str,
    pub shop_words: &'static [&'static str],
    pub org_words: &'static [&'static str],
    pub departments: &'static [usize],
    /// Inspected as a food business (食品生产经营场所).
    pub food: bool,
}

const fn industry(
    name: &'static str,
    (enterprises, sole_traders, other_orgs): (usize, usize, usize),
    company_word: &'static str,
    shop_words: &'static [&'static str],
    departments: &'static [usize],
    food: bool,
) -> Industry {
    Industry {
        name,
        enterprises,
        sole_traders,
        other_orgs,
        company_word,
        shop_words,
        org_words: &[],
        departments,
        food,
    }
}

pub const INDUSTRIES: [Industry; 18] = [
    industry(
        "餐饮",
        (45, 50, 0),
        "餐饮管理有限公司",
        &["面馆", "小吃店", "早点铺", "烧烤店", "饺子馆"],
        &[1, 2, 5, 0, 3],
        true,
    ),
    industry(
        "食品零售",
        (20, 30, 0),
        "商贸有限公司",
        &["便利店", "超市", "水果店", "食品店"],
        &[1, 5, 0],
        true,
    ),
    industry(
        "住宿",
        (12, 6, 0),
        "酒店管理有限公司",
        &["旅馆", "宾馆"],
        &[4, 5, 1, 3],
        false,
    ),
    industry(
        "美容美发",
        (8, 22, 0),
        "美容美发有限公司",
        &["理发店", "美发工作室", "美容店"],
        &[4, 5, 1],
        false,
    ),
    industry("建筑施工", (15, 0, 0), "建筑工程有限公司", &[], &[6, 2, 0, 3, 5], false),
    industry("物业管理", (12, 0, 0), "物业服务有限公司", &[], &[6, 5, 0, 3], false),
    Industry {
        org_words: &["培训学校", "艺术培训中心"],
        ..industry("教育培训", (10, 0, 8), "教育科技有限公司", &[], &[5, 3, 4], false)
    },
    industry("网吧娱乐", (8, 2, 0), "网络科技有限公司", &["网吧"], &[7, 5, 3], false),
    industry(
        "汽车维修",
        (8, 10, 0),
        "汽车服务有限公司",
        &["汽车修理部", "洗车行"],
        &[2, 3, 5, 0],
        false,
    ),
    industry("仓储物流", (10, 0, 0), "物流有限公司", &[], &[3, 5], false),
    industry("医疗", (0, 8, 0), "", &["诊所", "口腔诊所"], &[4, 5], false),
    industry(
        "五金建材",
        (8, 14, 0),
        "建材有限公司",
        &["五金店", "建材店"],
        &[1, 5, 0, 3],
        false,
    ),
    industry(
        "文化印刷",
        (6, 8, 0),
        "文化传播有限公司",
        &["书店", "文印店"],
        &[7, 1, 5],
        false,
    ),
    industry("健身", (8, 0, 0), "健身管理有限公司", &[], &[4, 5, 3], false),
    industry("洗衣", (0, 8, 0), "", &["洗衣店"], &[4, 2, 5], false),
    industry("旅行社", (5, 0, 0), "国际旅行社有限公司", &[], &[7, 1], false),
    Industry {
        org_words: &["养老院", "颐养中心"],
        ..industry("养老服务", (0, 0, 6), "", &[], &[5, 4, 3], false)
    },
    Industry {
        org_words: &["幼儿园"],
        ..industry("学前教育", (0, 0, 6), "", &[], &[5, 4, 3], false)
    },
];

/// Departments that inspect private individuals' homes (违法建设, 装修, 燃气): 住建, 消防.
pub const HOME_DEPARTMENTS: &[usize] = &[6, 5];
/// Share of inspections at private homes, in thousandths.
pub const HOME_INSPECTIONS_PERMILLE: u32 = 25;
/// Counsel's ten checklist items, each with the comment written when it passes.
pub const CHECKLIST_COMMENTS: [(&str, &str); 10] = [
    ("subject_legal", "当事人主体认定准确"),
    ("officers_qualified", "两名执法人员均持有效执法证件"),
    ("within_authority", "属于本机关法定职权范围"),
    ("facts_clear", "违法事实清楚"),
    ("evidence_sufficient", "证据确实充分"),
    ("procedure_legal", "立案、调查、告知等程序合法"),
    ("law_correct", "适用法律依据正确"),
    ("discretion_appropriate", "处罚裁量适当"),
    ("documents_complete", "执法文书齐全规范"),
    ("criminal_transfer_needed", "不涉嫌犯罪，无需移送司法机关"),
];
