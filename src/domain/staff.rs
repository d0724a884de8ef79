//! Staff, their roles and what each role may do. Every workflow takes the acting staff member and
//! asks `Actor::require` before it touches anything, so every action is permitted and attributed.

use serde::{Deserialize, Serialize};

/// The roles of the back room, as the shop assigns them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 客服
    CustomerService,
    /// 客服主管
    CsSupervisor,
    /// 打单员
    OrderPrinter,
    /// 配货员
    Picker,
    /// 验货员
    Checker,
    /// 采购员
    Purchaser,
    /// 条码打印员
    LabelPrinter,
    /// 入库检验员
    InboundInspector,
    /// 库存管理员
    StockKeeper,
    /// 管理员: the shop owner; may do everything.
    Admin,
}

/// What a staff member may do. Named after the work, not the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// Look orders up.
    ViewOrders,
    /// Load Taobao exports.
    ImportOrders,
    /// Add a remark to an order (append-only).
    AddRemark,
    /// Hold and release orders in review (审单).
    ReviewOrders,
    /// Correct an order: status, address, courier.
    ChangeOrder,
    /// Let an unpaid order (bank transfer, 汇款) ship.
    ShipUnpaid,
    /// Merge and unmerge parcels.
    MergeOrders,
    /// Load tracking numbers into the waybill pool.
    ManageWaybills,
    /// Print batches of waybills and pick lists.
    PrintBatch,
    /// Ship in bulk from the office.
    ShipOrders,
    /// Pick by pick list.
    Pick,
    /// Check (验货) parcels at the bench and ship them.
    Check,
    /// Out-of-stock refunds, returns, return arrival.
    HandleExceptions,
    /// Add and edit products, bins and merchant codes.
    ManageProducts,
    /// Give products barcodes by the shop's rule.
    AssignBarcodes,
    /// Receive stock on an inbound receipt.
    Receive,
    /// Print barcode labels.
    PrintLabels,
    /// Scan labels of an inbound receipt back (入库检验).
    InboundCheck,
    /// Adjust stock, issue notes, discontinue products.
    ManageStock,
    /// Run and approve stocktakes.
    Stocktake,
    /// See performance and shop reports.
    ViewReports,
    /// Add and change staff.
    ManageStaff,
    /// Change station and shop settings.
    ManageSettings,
    /// Back the store up and restore a backup (admins: a restore replaces the shop's data).
    Backup,
}

impl Permission {
    pub const ALL: [Permission; 24] = [
        Permission::ViewOrders,
        Permission::ImportOrders,
        Permission::AddRemark,
        Permission::ReviewOrders,
        Permission::ChangeOrder,
        Permission::ShipUnpaid,
        Permission::MergeOrders,
        Permission::ManageWaybills,
        Permission::PrintBatch,
        Permission::ShipOrders,
        Permission::Pick,
        Permission::Check,
        Permission::HandleExceptions,
        Permission::ManageProducts,
        Permission::AssignBarcodes,
        Permission::Receive,
        Permission::PrintLabels,
        Permission::InboundCheck,
        Permission::ManageStock,
        Permission::Stocktake,
        Permission::ViewReports,
        Permission::ManageStaff,
        Permission::ManageSettings,
        Permission::Backup,
    ];

    pub fn code(self) -> &'static str {
        use Permission::*;
        match self {
            ViewOrders => "view_orders",
            ImportOrders => "import_orders",
            AddRemark => "add_remark",
            ReviewOrders => "review_orders",
            ChangeOrder => "change_order",
            ShipUnpaid => "ship_unpaid",
            MergeOrders => "merge_orders",
            ManageWaybills => "manage_waybills",
            PrintBatch => "print_batch",
            ShipOrders => "ship_orders",
            Pick => "pick",
            Check => "check",
            HandleExceptions => "handle_exceptions",
            ManageProducts => "manage_products",
            AssignBarcodes => "assign_barcodes",
            Receive => "receive",
            PrintLabels => "print_labels",
            InboundCheck => "inbound_check",
            ManageStock => "manage_stock",
            Stocktake => "stocktake",
            ViewReports => "view_reports",
            ManageStaff => "manage_staff",
            ManageSettings => "manage_settings",
            Backup => "backup",
        }
    }

    pub fn zh(self) -> &'static str {
        use Permission::*;
        match self {
            ViewOrders => "查看订单",
            ImportOrders => "导入订单",
            AddRemark => "添加备注",
            ReviewOrders => "审单",
            ChangeOrder => "修改订单",
            ShipUnpaid => "未付款发货",
            MergeOrders => "合并发货",
            ManageWaybills => "管理快递单号",
            PrintBatch => "打印批次",
            ShipOrders => "批量发货",
            Pick => "配货",
            Check => "验货",
            HandleExceptions => "处理售后",
            ManageProducts => "管理商品",
            AssignBarcodes => "分配条码",
            Receive => "入库",
            PrintLabels => "打印条码",
            InboundCheck => "入库检验",
            ManageStock => "管理库存",
            Stocktake => "盘点",
            ViewReports => "查看报表",
            ManageStaff => "管理员工",
            ManageSettings => "修改设置",
            Backup => "备份和恢复数据库",
        }
    }
}

impl Role {
    pub const ALL: [Role; 10] = [
        Role::CustomerService,
        Role::CsSupervisor,
        Role::OrderPrinter,
        Role::Picker,
        Role::Checker,
        Role::Purchaser,
        Role::LabelPrinter,
        Role::InboundInspector,
        Role::StockKeeper,
        Role::Admin,
    ];

    /// The role's name on the command line and in the store.
    pub fn code(self) -> &'static str {
        match self {
            Role::CustomerService => "customer_service",
            Role::CsSupervisor => "cs_supervisor",
            Role::OrderPrinter => "order_printer",
            Role::Picker => "picker",
            Role::Checker => "checker",
            Role::Purchaser => "purchaser",
            Role::LabelPrinter => "label_printer",
            Role::InboundInspector => "inbound_inspector",
            Role::StockKeeper => "stock_keeper",
            Role::Admin => "admin",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn zh(self) -> &'static str {
        match self {
            Role::CustomerService => "客服",
            Role::CsSupervisor => "客服主管",
            Role::OrderPrinter => "打单员",
            Role::Picker => "配货员",
            Role::Checker => "验货员",
            Role::Purchaser => "采购员",
            Role::LabelPrinter => "条码打印员",
            Role::InboundInspector => "入库检验员",
            Role::StockKeeper => "库存管理员",
            Role::Admin => "管理员",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Role::CustomerService => "customer service",
            Role::CsSupervisor => "CS supervisor",
            Role::OrderPrinter => "order printer",
            Role::Picker => "picker",
            Role::Checker => "checker",
            Role::Purchaser => "purchaser",
            Role::LabelPrinter => "label printer",
            Role::InboundInspector => "inbound inspector",
            Role::StockKeeper => "stock keeper",
            Role::Admin => "admin",
        }
    }

    /// The permission matrix. Every role may look orders up (the bench needs it); beyond that a
    /// role gets the work of its post and nothing else.
    pub fn allows(self, p: Permission) -> bool {
        use Permission::*;
        if self == Role::Admin || p == ViewOrders {
            return true;
        }
        match self {
            Role::CustomerService => matches!(p, AddRemark),
            Role::CsSupervisor => matches!(
                p,
                AddRemark
                    | ReviewOrders
                    | ChangeOrder
                    | ShipUnpaid
                    | HandleExceptions
                    | ViewReports
            ),
            Role::OrderPrinter => matches!(
                p,
                ImportOrders
                    | AddRemark
                    | ReviewOrders
                    | ChangeOrder
                    | MergeOrders
                    | ManageWaybills
                    | PrintBatch
                    | ShipOrders
                    // The seed: "汇款的需要修改为已经发货" is the order printer's.
                    | ShipUnpaid
                    | AssignBarcodes
                    | ViewReports
            ),
            Role::Picker => matches!(p, Pick),
            Role::Checker => matches!(p, Check),
            Role::Purchaser => matches!(p, ManageProducts | AssignBarcodes | Receive | PrintLabels),
            Role::LabelPrinter => matches!(p, AssignBarcodes | PrintLabels),
            Role::InboundInspector => matches!(p, InboundCheck),
            // The seed: 库存管理员 makes the in and out notes and confirms every receipt.
            Role::StockKeeper => {
                matches!(
                    p,
                    ManageStock | Stocktake | ManageProducts | Receive | ViewReports
                )
            }
            Role::Admin => true,
        }
    }
}

/// A member of staff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Staff {
    pub id: i64,
    /// 工号, e.g. `C07`; also the sales code on remarks for customer service.
    pub code: String,
    pub name: String,
    pub role: Role,
    pub active: bool,
}

/// A staff member at a terminal: who does something, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub staff: Staff,
    /// The station (bench PC) the action comes from.
    pub terminal: String,
}

/// A refusal: this staff member's role may not do this.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{staff} ({role}) may not {action}", role = .role.en(), action = .permission.code())]
pub struct Denied {
    pub staff: String,
    pub role: Role,
    pub permission: Permission,
}

impl Denied {
    pub fn zh(&self) -> String {
        format!(
            "{}（{}）没有“{}”的权限",
            self.staff,
            self.role.zh(),
            self.permission.zh()
        )
    }
}

impl Actor {
    pub fn new(staff: Staff, terminal: impl Into<String>) -> Actor {
        Actor {
            staff,
            terminal: terminal.into(),
        }
    }

    /// Refuses unless the actor's role allows `p` and the staff member is active.
    pub fn require(&self, p: Permission) -> Result<(), Denied> {
        if self.staff.active && self.staff.role.allows(p) {
            Ok(())
        } else {
            Err(Denied {
                staff: self.staff.code.clone(),
                role: self.staff.role,
                permission: p,
            })
        }
    }
}

/// Whether a text can be a staff code: letters, digits, `_` and `-`, up to 16.
pub fn valid_staff_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 16
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role) -> Actor {
        Actor::new(
            Staff {
                id: 1,
                code: "X01".into(),
                name: "x".into(),
                role,
                active: true,
            },
            "bench-1",
        )
    }

    #[test]
    fn customer_service_may_remark_but_not_change_orders() {
        let cs = actor(Role::CustomerService);
        assert!(cs.require(Permission::AddRemark).is_ok());
        assert!(cs.require(Permission::ViewOrders).is_ok());
        let denied = cs.require(Permission::ChangeOrder).unwrap_err();
        assert_eq!(denied.permission, Permission::ChangeOrder);
        assert!(denied.zh().contains("客服"));
        assert!(cs.require(Permission::ImportOrders).is_err());
    }

    #[test]
    fn each_role_has_its_work_and_admin_has_all() {
        assert!(actor(Role::Checker).require(Permission::Check).is_ok());
        assert!(actor(Role::Checker).require(Permission::Pick).is_err());
        assert!(actor(Role::Picker).require(Permission::Pick).is_ok());
        assert!(
            actor(Role::InboundInspector)
                .require(Permission::InboundCheck)
                .is_ok()
        );
        assert!(
            actor(Role::StockKeeper)
                .require(Permission::Stocktake)
                .is_ok()
        );
        assert!(
            actor(Role::Purchaser)
                .require(Permission::Stocktake)
                .is_err()
        );
        assert!(
            actor(Role::CsSupervisor)
                .require(Permission::ShipUnpaid)
                .is_ok()
        );
        assert!(
            actor(Role::OrderPrinter)
                .require(Permission::ShipUnpaid)
                .is_ok()
        );
        assert!(
            actor(Role::CustomerService)
                .require(Permission::ShipUnpaid)
                .is_err()
        );
        assert!(
            actor(Role::StockKeeper)
                .require(Permission::Receive)
                .is_ok()
        );
        assert!(actor(Role::Checker).require(Permission::Receive).is_err());
        for p in Permission::ALL {
            assert!(actor(Role::Admin).require(p).is_ok());
        }
        for r in Role::ALL {
            assert!(actor(r).require(Permission::ViewOrders).is_ok());
            assert!(r == Role::Admin || actor(r).require(Permission::ManageStaff).is_err());
        }
    }

    #[test]
    fn inactive_staff_may_do_nothing() {
        let mut a = actor(Role::Admin);
        a.staff.active = false;
        assert!(a.require(Permission::ViewOrders).is_err());
    }

    #[test]
    fn role_codes_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::from_code(r.code()), Some(r));
        }
        assert_eq!(Role::from_code("boss"), None);
        assert!(valid_staff_code("EDB_PH001"));
        assert!(!valid_staff_code("C 07"));
    }
}
