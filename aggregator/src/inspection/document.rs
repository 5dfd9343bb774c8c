//! The plan as an official document (Decree 30/2020 layout, type "KẾ HOẠCH", summary "Kiểm
//! tra công tác bảo vệ bí mật nhà nước năm …"): purpose, content and period, how units were
//! chosen (risk factors, coverage rules, random share and seed, covered risk against the
//! bound), each team's members and visits by date, the units left out with their reasons, and
//! the organisation; header, signature and recipients from the campaign file's `[document]`.

use anyhow::Context as _;
use chrono::Datelike as _;
use reports::document::{Block, Document, IssuingBody, Recipients, Signature};
use reports::planning::summary;
use reports::table::{Cell, Table};

use super::campaign::CampaignFile;
use super::run::Prepared;

/// The document's issuing body and place.
#[derive(Debug, Clone)]
pub struct Header {
    pub issuer: String,
    pub place: String,
}

/// "Tỉnh Đồng Nai" → "tỉnh Đồng Nai": an administrative kind is lower-case inside a sentence.
fn in_sentence(name: &str) -> String {
    for kind in ["Tỉnh ", "Thành phố ", "Xã ", "Phường ", "Đặc khu "] {
        if let Some(rest) = name.strip_prefix(kind) {
            return format!("{}{rest}", kind.to_lowercase());
        }
    }
    name.to_string()
}

fn d(day: chrono::NaiveDate) -> String {
    day.format("%d/%m/%Y").to_string()
}

fn visit_table(title: &str) -> Table {
    Table::new(
        title,
        &[
            "STT",
            "Ngày",
            "Đơn vị được kiểm tra",
            "Mã đơn vị",
            "Diện lựa chọn",
            "Điểm rủi ro",
        ],
    )
}

/// The plan as an official document.
pub fn document(p: &Prepared, file: &CampaignFile, h: &Header) -> anyhow::Result<Document> {
    let s = summary::summarize(&p.plan, &p.teams);
    let c = &p.campaign;
    let doc = &file.document;
    let mut body =
        vec![
        Block::Heading { level: 1, text: "I. MỤC ĐÍCH, YÊU CẦU".into() },
        Block::Paragraph(
            "Kiểm tra việc chấp hành pháp luật về bảo vệ bí mật nhà nước tại các cơ quan, đơn vị, \
             địa phương; kịp thời phát hiện, chấn chỉnh thiếu sót, vi phạm và theo dõi việc khắc \
             phục sau các lần kiểm tra trước.\nLựa chọn đơn vị kiểm tra theo mức độ rủi ro, có \
             căn cứ, công khai phương pháp; không gây phiền hà cho đơn vị được kiểm tra."
                .into(),
        ),
        Block::Heading { level: 1, text: "II. NỘI DUNG, THỜI GIAN, PHẠM VI".into() },
        Block::Heading { level: 2, text: "1. Nội dung kiểm tra".into() },
        Block::Paragraph(
            "Việc ban hành nội quy, quy chế; phân công cán bộ; danh mục bộ phận, vị trí trọng \
             yếu, cơ mật; các sổ đăng ký, quản lý bí mật nhà nước; việc xác định độ mật, sao, \
             chụp, lưu giữ, vận chuyển, giao nhận, thu hồi, tiêu hủy; máy tính, thiết bị và mạng; \
             nơi lưu giữ; hội nghị có nội dung bí mật nhà nước; chế độ báo cáo và xử lý vụ việc."
                .into(),
        ),
        Block::Heading { level: 2, text: "2. Thời gian".into() },
        Block::Paragraph(format!(
            "Từ ngày {} đến ngày {}, trừ ngày nghỉ, ngày lễ, Tết{}. Đơn vị được kiểm tra nhận \
             thông báo trước ít nhất {} ngày làm việc.",
            d(c.start),
            d(c.end),
            c.blackouts
                .iter()
                .map(|b| format!(" và thời gian {} ({} – {})", b.name, d(b.from), d(b.to)))
                .collect::<String>(),
            c.lead_working_days
        )),
        Block::Heading { level: 2, text: "3. Phạm vi".into() },
        Block::Paragraph(format!(
            "Các cơ quan, đơn vị thuộc {} ({}; {} đơn vị được đánh giá rủi ro).",
            in_sentence(&p.scope_name),
            p.scope,
            p.scores.len() + p.no_location.len()
        )),
        Block::Heading { level: 1, text: "III. LỰA CHỌN ĐƠN VỊ KIỂM TRA".into() },
        Block::Paragraph(format!(
            "Điểm rủi ro của mỗi đơn vị (số liệu đến ngày {}) tính từ: vi phạm phát hiện qua \
             kiểm tra, vụ lộ, mất bí mật nhà nước đã báo cáo, báo cáo nộp trễ hoặc không nộp, \
             thiếu sót trong tình hình thực hiện các quy định, đơn vị trọng yếu, cơ mật, độ mật \
             cao nhất đang quản lý và thời gian từ lần kiểm tra gần nhất.\n{}Không kiểm tra lại \
             đơn vị trong vòng {} tháng kể từ lần kiểm tra trước; không để một đoàn kiểm tra một \
             đơn vị hai lần liên tiếp. {:.0}% năng lực kiểm tra dành cho đơn vị chọn ngẫu nhiên \
             (các lượt này được ưu tiên trước cả đơn vị bắt buộc, để việc chọn ngẫu nhiên luôn \
             có hiệu lực).\n\
             Phương pháp lập lịch: {}. Tổng điểm rủi ro được bao phủ: {}, cận trên {} \
             ({}).\nHạt giống ngẫu nhiên (seed): {}; cùng số liệu và hạt giống cho cùng kết quả.",
            d(c.plan_date),
            c.coverage
                .every_years
                .map(|n| format!("Đơn vị chưa được kiểm tra trong {n} năm thuộc diện bắt buộc. "))
                .unwrap_or_default(),
            c.coverage.min_gap_months,
            c.coverage.random_share * 100.0,
            s.method_vi,
            Cell::Decimal(s.covered_risk, 1).display_vi(),
            Cell::Decimal(s.upper_bound, 1).display_vi(),
            Cell::Percent(s.bound_ratio).display_vi(),
            s.seed
        )),
        Block::Paragraph(format!(
            "Năng lực kiểm tra của đợt: {} lượt; dành cho chọn ngẫu nhiên {} lượt, bốc thăm từ \
             {} đơn vị không thuộc diện bắt buộc; đã xếp lịch {} lượt chọn ngẫu nhiên ({} tổng \
             số lượt).\n{}",
            s.visit_capacity,
            s.random_quota,
            s.random_pool,
            s.random_visited,
            Cell::Percent(s.random_share_achieved).display_vi(),
            s.classes
                .iter()
                .map(|c| c.sentence_vi.as_str())
                .collect::<Vec<_>>()
                .join("\n")
        )),
        Block::Heading { level: 1, text: "IV. THÀNH PHẦN ĐOÀN VÀ LỊCH KIỂM TRA".into() },
    ];
    for (i, t) in s.teams.iter().enumerate() {
        body.push(Block::Heading {
            level: 2,
            text: format!("{}. {}", i + 1, t.name),
        });
        if !t.members.is_empty() {
            body.push(Block::Paragraph(format!(
                "Thành phần: {}.",
                t.members.join("; ")
            )));
        }
        if t.visits.is_empty() {
            body.push(Block::Paragraph("Không có lượt kiểm tra trong đợt.".into()));
            continue;
        }
        let mut table = visit_table(&format!("Lịch kiểm tra của {}", t.name));
        for (k, v) in t.visits.iter().enumerate() {
            table.rows.push(vec![
                Cell::Int(k as i64 + 1),
                Cell::text(d(v.date)),
                Cell::text(&v.name),
                Cell::text(v.unit.as_str()),
                Cell::text(v.selection_vi),
                Cell::Decimal(v.risk, 1),
            ]);
        }
        body.push(Block::Paragraph(format!(
            "{} lượt kiểm tra, {} chuyến, {} ngày công tác.",
            t.visits.len(),
            t.trips,
            t.days_away
        )));
        body.push(Block::Table(table));
    }
    body.push(Block::Heading {
        level: 1,
        text: "V. ĐƠN VỊ CHƯA BỐ TRÍ KIỂM TRA TRONG ĐỢT".into(),
    });
    if s.unscheduled.is_empty() && p.no_location.is_empty() {
        body.push(Block::Paragraph("Không có.".into()));
    } else {
        let mut table = Table::new(
            "Đơn vị chưa bố trí kiểm tra và lý do",
            &[
                "STT",
                "Đơn vị",
                "Mã đơn vị",
                "Diện lựa chọn",
                "Điểm rủi ro",
                "Lý do",
            ],
        );
        let rows = s
            .unscheduled
            .iter()
            .map(|u| {
                (
                    u.name.as_str(),
                    u.unit.as_str(),
                    u.selection_vi,
                    u.risk,
                    u.reason_vi.clone(),
                )
            })
            .chain(p.no_location.iter().map(|u| {
                (
                    u.name.as_str(),
                    u.unit.as_str(),
                    "",
                    u.score.total,
                    "Chưa có tọa độ để lập lịch".to_string(),
                )
            }));
        for (k, (name, unit, sel, risk, reason)) in rows.enumerate() {
            table.rows.push(vec![
                Cell::Int(k as i64 + 1),
                Cell::text(name),
                Cell::text(unit),
                Cell::text(sel),
                Cell::Decimal(risk, 1),
                Cell::text(reason),
            ]);
        }
        body.push(Block::Table(table));
    }
    body.push(Block::Heading {
        level: 1,
        text: "VI. TỔ CHỨC THỰC HIỆN".into(),
    });
    body.push(Block::Paragraph(format!(
        "Thông báo kiểm tra được gửi đến từng đơn vị trước ngày kiểm tra {} ngày làm việc. Các \
         đơn vị được kiểm tra chuẩn bị hồ sơ, tài liệu và báo cáo tự kiểm tra; bố trí lãnh đạo, \
         cán bộ làm việc với Đoàn.\nKết quả kiểm tra được ghi nhận vào hệ thống, theo dõi việc \
         khắc phục đến hạn và tổng hợp báo cáo cấp trên.",
        c.lead_working_days
    )));
    let year = c.start.year();
    let opt = |v: &Option<String>, default: &str| {
        v.as_deref()
            .map(super::campaign::nfc)
            .unwrap_or_else(|| default.to_string())
    };
    let out = Document {
        issuer: IssuingBody {
            parent: doc.issuer_parent.as_deref().map(super::campaign::nfc),
            name: opt(&doc.issuer, &h.issuer.to_uppercase()),
        },
        number: doc.number,
        symbol: opt(&doc.symbol, "KH-BCĐ"),
        place: opt(&doc.place, &h.place),
        date: c.plan_date,
        kind: "KẾ HOẠCH".into(),
        summary: Some(format!(
            "Kiểm tra công tác bảo vệ bí mật nhà nước năm {year}"
        )),
        classification: file.classification()?,
        body,
        signature: Signature {
            authority: Some(opt(&doc.signer_authority, "TM. BAN CHỈ ĐẠO")),
            title: opt(&doc.signer_title, "TRƯỞNG BAN"),
            signer: opt(&doc.signer, "(Ký, ghi rõ họ tên)"),
        },
        recipients: Recipients {
            to: doc.recipients.clone().unwrap_or_else(|| {
                vec![
                    "Bộ Công an (A03) (để báo cáo)".into(),
                    "Thành viên Ban Chỉ đạo".into(),
                    "Các đơn vị được kiểm tra".into(),
                ]
            }),
            archive: opt(&doc.archive, "VT, PA03"),
            copies: doc.copies,
            drafter: doc.drafter.clone(),
            copy_scope: None,
        },
    };
    out.validate()
        .context("the plan document (section [document])")?;
    Ok(out)
}
