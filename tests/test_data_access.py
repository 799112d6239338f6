"""Data access: real model/entity/mapper/schema files in tmp_path, scanned end to end."""

from __future__ import annotations

from pathlib import Path

from archscan.config import Config
from archscan.data_access.sql import SqlTables, parse_sql
from archscan.data_access.stage import DataAccessInput, run_data_access
from archscan.discover import discover
from archscan.records import DataAccessResult, TableAccess


def _write(root: Path, files: dict[str, str]) -> None:
    for path, text in files.items():
        full = root / path
        full.parent.mkdir(parents=True, exist_ok=True)
        full.write_text(text, encoding="utf-8")


def _scan(
    root: Path, files: dict[str, str]
) -> tuple[dict[str, TableAccess], DataAccessResult, list[str]]:
    _write(root, files)
    result, warnings = run_data_access(DataAccessInput(root, discover(root, Config()).files))
    return {t.name: t for t in result.tables}, result, [w.message for w in warnings]


def test_no_database_gives_an_empty_result(tmp_path: Path) -> None:
    tables, result, warnings = _scan(
        tmp_path, {"app/main.py": "print('select a colour')\n", "lib/x.go": "package x\n"}
    )
    assert tables == {} and result.sql_statements == 0 and warnings == []


def test_django_models_default_and_declared_tables(tmp_path: Path) -> None:
    tables, _, _ = _scan(
        tmp_path,
        {
            "shop/apps.py": "from django.apps import AppConfig\nclass ShopConfig(AppConfig):\n"
            "    name = 'shop'\n    label = 'store'\n",
            "shop/models/base.py": "from django.db import models\n\n"
            "class Stamped(models.Model):\n    created = models.DateTimeField()\n\n"
            "    class Meta:\n        abstract = True\n",
            "shop/models/orders.py": "from django.db import models\nfrom .base import Stamped\n\n"
            "class Customer(Stamped):\n    name = models.CharField(max_length=9)\n\n"
            "class Order(Stamped):\n"
            "    customer = models.ForeignKey('store.Customer', on_delete=models.CASCADE)\n"
            "    tags = models.ManyToManyField(to='Tag')\n\n"
            "    class Meta:\n        db_table = 'sales_order'\n\n"
            "class Tag(models.Model):\n    pass\n\n"
            "class VipCustomer(Customer):\n    class Meta:\n        proxy = True\n",
            "shop/views.py": "from .models.orders import Order, Customer\n\n"
            "def view():\n    Order.objects.filter(id=1)\n    Customer.objects.create(name='x')\n",
        },
    )
    assert {"store_customer", "sales_order", "store_tag", "sales_order_tags"} <= set(tables)
    assert "store_stamped" not in tables  # abstract
    assert tables["store_customer"].entities == ("Customer", "VipCustomer")
    assert tables["sales_order"].references == ("store_customer",)
    assert tables["sales_order_tags"].references == ("sales_order", "store_tag")
    assert tables["sales_order"].readers == ("shop/views.py",)
    assert tables["store_customer"].writers == ("shop/views.py",)
    assert tables["sales_order"].declared_in == ("shop/models/orders.py",)


def test_sqlalchemy_tablename_table_and_foreign_keys(tmp_path: Path) -> None:
    tables, _, _ = _scan(
        tmp_path,
        {
            "db/models.py": "from sqlalchemy import Column, ForeignKey, Table\n"
            "from sqlalchemy.orm import relationship\n\n"
            "class User(Base):\n    __tablename__ = 'users'\n\n"
            "class Address(Base):\n    __tablename__ = 'addresses'\n"
            "    user_id = Column(ForeignKey('users.id'))\n    user = relationship('User')\n\n"
            "tags = Table(\n    'post_tags', metadata,\n"
            "    Column('post_id', ForeignKey('posts.id')),\n)\n",
            "db/queries.py": "def load(s):\n"
            '    return s.execute("SELECT u.id FROM users u "\n'
            '                     "JOIN addresses a ON a.user_id = u.id")\n',
        },
    )
    assert tables["addresses"].references == ("users",)
    assert tables["post_tags"].declared_in == ("db/models.py",)
    assert tables["post_tags"].references == ("posts",)
    assert tables["users"].readers == ("db/queries.py",)
    assert tables["addresses"].readers == ("db/queries.py",)


_JPA_OWNER = """package app.owner;

import jakarta.persistence.*;
import java.util.Set;

@Entity
@Table(name = "owners")
public class Owner {
    @OneToMany(cascade = CascadeType.ALL, mappedBy = "owner")
    private Set<Pet> pets;
}
"""
_JPA_PET = """package app.owner;

@Entity
@Table(name = "pets")
public class Pet {
    @ManyToOne
    @JoinColumn(name = "type_id")
    private PetType type;

    @OneToMany(cascade = CascadeType.ALL)
    private java.util.List<Visit> visits = new ArrayList<>();
}
"""


def test_jpa_entities_repositories_and_cascades(tmp_path: Path) -> None:
    tables, _, _ = _scan(
        tmp_path,
        {
            "src/app/owner/Owner.java": _JPA_OWNER,
            "src/app/owner/Pet.java": _JPA_PET,
            "src/app/owner/PetType.java": '@Entity\n@Table(name = "types")\n'
            "public class PetType {}\n",
            "src/app/owner/Visit.java": "@Entity\npublic class Visit {}\n",
            "src/app/vet/Vet.kt": '@Entity\n@Table(name = "vets")\nclass Vet(\n'
            '    @ManyToMany\n    @JoinTable(name = "vet_specialties")\n'
            "    val specialties: MutableSet<Specialty> = mutableSetOf()\n)\n",
            "src/app/vet/Specialty.kt": '@Entity(name = "Speciality")\nclass Specialty\n',
            "src/app/owner/OwnerRepository.java": "public interface OwnerRepository "
            "extends JpaRepository<Owner, Integer> {}\n",
            "src/app/owner/PetTypeRepository.java": "public interface PetTypeRepository "
            "extends Repository<PetType, Integer> {\n"
            '    @Query("SELECT t FROM PetType t ORDER BY t.name")\n    List<PetType> all();\n}\n',
            "src/app/vet/VetRepository.kt": "interface VetRepository : Repository<Vet, Int>\n",
        },
    )
    assert set(tables) == {
        "owners",
        "pets",
        "types",
        "visit",
        "vets",
        "vet_specialties",
        "speciality",
    }
    owner_repo = "src/app/owner/OwnerRepository.java"
    # Saving an owner cascades to pets and visits; loading it reads the pet types too.
    assert {t for t, a in tables.items() if owner_repo in a.writers} == {"owners", "pets", "visit"}
    assert owner_repo in tables["types"].readers
    assert tables["types"].writers == ()  # the bare Repository declares no save/delete
    assert tables["types"].readers == (owner_repo, "src/app/owner/PetTypeRepository.java")
    assert tables["pets"].references == ("owners", "types")  # one-to-many: FK in pets
    assert tables["vet_specialties"].references == ("speciality", "vets")
    assert "src/app/vet/VetRepository.kt" in tables["speciality"].readers


_MAPPER = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE mapper PUBLIC "-//mybatis.org//DTD Mapper 3.0//EN"
  "http://mybatis.org/dtd/mybatis-3-mapper.dtd">
<mapper namespace="org.shop.mapper.OrderMapper">
  <sql id="cols">ORDERID, USERID</sql>
  <select id="get" resultType="Order">
    SELECT <include refid="cols"/> FROM ORDERS, ORDERSTATUS
    <where>
      <if test="id != null">AND ORDERS.ORDERID = #{id}</if>
    </where>
  </select>
  <insert id="add">INSERT INTO ORDERS (ORDERID) VALUES (#{id})</insert>
  <update id="touch">
    UPDATE LINEITEM <set><if test="q">QUANTITY = #{q},</if></set> WHERE ORDERID = #{id}
  </update>
  <delete id="drop">DELETE FROM CART WHERE id IN
    <foreach item="i" collection="ids" open="(" separator="," close=")">#{i}</foreach>
  </delete>
</mapper>
"""


def test_mybatis_mapper_xml_and_its_interface(tmp_path: Path) -> None:
    tables, result, warnings = _scan(
        tmp_path,
        {
            "src/main/resources/org/shop/mapper/OrderMapper.xml": _MAPPER,
            "src/main/java/org/shop/mapper/OrderMapper.java": "package org.shop.mapper;\n"
            "public interface OrderMapper {}\n",
            "src/main/java/org/shop/mapper/ItemMapper.java": "public interface ItemMapper {\n"
            '  @Select({"SELECT * ", "FROM ITEM WHERE id = #{id}"})\n  Item get(int id);\n'
            '  @Update("UPDATE INVENTORY SET QTY = QTY - #{n}")\n  void take(int n);\n}\n',
            "db/schema.sql": "create table ORDERS (ORDERID int primary key);\n"
            "create table LINEITEM (ORDERID int, constraint fk foreign key (ORDERID) "
            "references ORDERS (ORDERID));\nthis is not sql at all;\n",
        },
    )
    xml = "src/main/resources/org/shop/mapper/OrderMapper.xml"
    java = "src/main/java/org/shop/mapper/OrderMapper.java"
    assert warnings == []
    assert tables["orders"].readers == (java, xml) and tables["orders"].writers == (java, xml)
    assert tables["orderstatus"].readers == (java, xml) and tables["orderstatus"].writers == ()
    assert tables["lineitem"].writers == (java, xml)
    assert tables["cart"].writers == (java, xml)
    assert tables["item"].readers == ("src/main/java/org/shop/mapper/ItemMapper.java",)
    assert tables["inventory"].writers == ("src/main/java/org/shop/mapper/ItemMapper.java",)
    assert tables["lineitem"].references == ("orders",)
    assert tables["orders"].declared_in == ("db/schema.sql",)
    assert result.sql_unparsed == 1  # the one line of prose in the schema file


_MAPPED = """<?xml version="1.0" encoding="UTF-8"?>
<mapper namespace="org.shop.mapper.ItemMapper">
  <resultMap id="itemRow" type="org.shop.domain.Item"><id property="id" column="ID"/></resultMap>
  <select id="one" resultMap="itemRow">SELECT * FROM ITEM I, PRODUCT P WHERE I.P = P.ID</select>
  <select id="products" resultType="product">SELECT * FROM PRODUCT</select>
  <select id="count" resultType="int">SELECT COUNT(*) FROM INVENTORY</select>
  <insert id="add" parameterType="Order">INSERT INTO ORDERS (ID) VALUES (#{id})</insert>
  <update id="take" parameterType="Stock">UPDATE INVENTORY SET QTY = QTY - 1</update>
</mapper>
"""


def test_mybatis_mapped_classes_are_the_entities_of_their_main_tables(tmp_path: Path) -> None:
    domain = "src/main/java/org/shop/domain"
    tables, _, warnings = _scan(
        tmp_path,
        {
            "src/main/resources/org/shop/mapper/ItemMapper.xml": _MAPPED,
            "src/main/java/org/shop/mapper/ItemMapper.java": "public interface ItemMapper {}\n",
            f"{domain}/Item.java": "public class Item {}\n",
            f"{domain}/Product.java": "public class Product {}\n",
            f"{domain}/Order.java": "public class Order {}\n",
            # two classes named Stock: an alias cannot say which, so neither is taken
            f"{domain}/Stock.java": "public class Stock {}\n",
            "src/main/java/org/shop/legacy/Stock.java": "public class Stock {}\n",
        },
    )
    assert warnings == []
    # a join maps rows to the first FROM table; an alias matches the class in any case
    assert tables["item"].entities == ("Item",)
    assert f"{domain}/Item.java" in tables["item"].declared_in
    assert tables["product"].entities == ("Product",)
    assert tables["orders"].entities == ("Order",)  # a write's parameter type
    assert tables["inventory"].entities == ()  # int is no class; Stock is ambiguous


def test_activerecord_models_and_schema(tmp_path: Path) -> None:
    tables, _, _ = _scan(
        tmp_path,
        {
            "app/models/line_item.rb": "class LineItem < ApplicationRecord\n"
            "  belongs_to :order\nend\n",
            "app/models/order.rb": "class Order < ApplicationRecord\n  has_many :line_items\nend\n",
            "app/models/person.rb": "class Person < ActiveRecord::Base\n"
            "  self.table_name = 'humans'\nend\n",
            "app/models/admin.rb": "class Admin < Person\nend\n",
            "app/controllers/orders_controller.rb": "class OrdersController\n"
            "  def index\n    Order.where(open: true)\n    LineItem.create!(qty: 1)\n"
            "    File.exists?('x')\n  end\nend\n",
            "db/schema.rb": 'ActiveRecord::Schema.define do\n  create_table "orders" do |t|\n'
            '  end\n  create_table "line_items" do |t|\n'
            "    t.references :order, foreign_key: true\n  end\nend\n",
        },
    )
    assert set(tables) == {"line_items", "orders", "humans"}
    assert tables["humans"].entities == ("Admin", "Person")  # single-table inheritance
    assert tables["line_items"].references == ("orders",)
    assert tables["orders"].readers == ("app/controllers/orders_controller.rb",)
    assert tables["line_items"].writers == ("app/controllers/orders_controller.rb",)
    assert tables["orders"].declared_in == ("app/models/order.rb", "db/schema.rb")


def test_entity_framework_eloquent_typeorm_prisma_sequelize_gorm(tmp_path: Path) -> None:
    tables, _, _ = _scan(
        tmp_path,
        {
            "Data/ShopContext.cs": "public class ShopContext : DbContext {\n"
            "  public DbSet<Order> Orders { get; set; }\n"
            "  public DbSet<Basket> Baskets { get; set; }\n"
            "  protected override void OnModelCreating(ModelBuilder b) {\n"
            '    b.Entity<Basket>().ToTable("carts");\n  }\n}\n',
            "Services/OrderService.cs": "class OrderService {\n  ShopContext _db;\n"
            "  void Place(Order o) { _db.Orders.Add(o); }\n"
            "  int Count() => _db.Baskets.Count();\n}\n",
            "app/Models/Invoice.php": "<?php\nclass Invoice extends Model {\n"
            "  protected $table = 'bills';\n}\nclass Payment extends Model {\n"
            "  public function invoice() { return $this->belongsTo(Invoice::class); }\n}\n",
            "app/Http/PayController.php": "<?php\nPayment::create(['x' => 1]);\n"
            "Invoice::find(1);\n",
            "src/user.entity.ts": "@Entity('app_users')\nexport class User {\n"
            "  @OneToMany(() => Photo, (p) => p.user) photos: Photo[];\n}\n"
            "@Entity()\nexport class Photo {}\n",
            "src/user.service.ts": "constructor(@InjectRepository(User) r: Repository<User>) {}\n",
            "prisma/schema.prisma": "model Post {\n  id Int @id\n"
            "  author Author @relation(fields: [authorId])\n"
            '  @@map("blog_posts")\n}\nmodel Author {\n  id Int @id\n}\n',
            "src/posts.js": "await prisma.post.findMany();\nawait prisma.author.create({});\n"
            "const Book = sequelize.define('Book', {}, { tableName: 'library_books' });\n"
            "await Book.create({});\n",
            "Data/Migrations/20240101_Initial.cs": "class Initial : Migration {\n"
            "  void Up(MigrationBuilder migrationBuilder) {\n"
            '    migrationBuilder.CreateTable(name: "orders", columns: t => new {});\n'
            '    migrationBuilder.CreateTable(name: "lines", constraints: t => {\n'
            '      t.ForeignKey(name: "FK", column: x => x.OrderId, principalTable: "orders");\n'
            "    });\n  }\n}\n",
            "Client/OrderView.cs": "class OrderView { int N(Model m) => m.Orders.Count(); }\n",
            "store/models.go": "package store\n\n"
            "type Product struct {\n\tgorm.Model\n\tName string\n}\n\n"
            'type Stock struct {\n\tID int `gorm:"primaryKey"`\n}\n\n'
            'func (Stock) TableName() string { return "inventory" }\n\n'
            'func save(db *gorm.DB) { db.Create(&Product{Name: "x"}) }\n',
        },
    )
    assert tables["orders"].writers == ("Data/ShopContext.cs", "Services/OrderService.cs")
    # names the DbSet property but not the context: another object's Orders
    assert "Client/OrderView.cs" not in tables["orders"].readers
    assert "Data/Migrations/20240101_Initial.cs" in tables["orders"].declared_in
    assert tables["lines"].references == ("orders",)
    assert "Services/OrderService.cs" in tables["carts"].readers
    assert "baskets" not in tables  # ToTable renames it
    assert tables["bills"].readers == ("app/Http/PayController.php",)
    assert tables["payments"].writers == ("app/Http/PayController.php",)
    assert tables["payments"].references == ("bills",)
    assert tables["app_users"].writers == ("src/user.service.ts",)
    assert tables["photo"].references == ("app_users",)
    assert tables["blog_posts"].readers == ("src/posts.js",)
    assert tables["author"].writers == ("src/posts.js",)
    assert tables["library_books"].writers == ("src/posts.js",)
    assert tables["products"].writers == ("store/models.go",)
    assert tables["inventory"].entities == ("Stock",)


def test_sql_reads_writes_and_unparsed() -> None:
    tables = SqlTables()
    assert parse_sql(
        "WITH recent AS (SELECT * FROM orders) INSERT INTO archive SELECT * FROM recent", tables
    )
    assert parse_sql("UPDATE stock SET n = n - :n WHERE id IN (SELECT id FROM items)", tables)
    assert parse_sql(
        "MERGE INTO prices p USING feed f ON p.id = f.id WHEN MATCHED THEN UPDATE SET p.v = f.v",
        tables,
    )
    assert parse_sql("DELETE FROM `carts` WHERE user = ?", tables)
    assert parse_sql("DROP TABLE old_stuff", tables)
    assert not parse_sql("SELECT FROM WHERE GROUP", tables)
    assert tables.writes == {"archive", "stock", "prices", "carts"}
    assert tables.reads == {"orders", "items", "feed"}  # not the CTE, not dropped tables
    assert tables.unparsed == 1 and tables.statements == 5


def test_sql_in_string_literals_and_unparsed_count(tmp_path: Path) -> None:
    tables, result, _ = _scan(
        tmp_path,
        {
            "repo/dao.go": "package repo\n\nconst q = `SELECT id FROM accounts WHERE id = $1`\n"
            '// "DELETE FROM comments" in a comment is not code\n'
            'var bad = "SELECT FROM WHERE nothing"\n',
            "repo/Dao.java": 'String q = "INSERT INTO audit_log (a) " +\n    "VALUES (?)";\n',
        },
    )
    assert set(tables) == {"accounts", "audit_log"}
    assert tables["audit_log"].writers == ("repo/Dao.java",)
    assert result.sql_unparsed == 1


def test_sql_of_every_statement_kind_alone_in_a_file_any_case(tmp_path: Path) -> None:
    # Each file holds one kind only, so no other keyword lets it through the cheap test.
    tables, result, _ = _scan(
        tmp_path,
        {
            "repo/a.py": 'q = """Select id\n  From accounts"""\n',
            "repo/b.py": 'q = "UPDATE carts SET total = 1"\n',
            "repo/c.py": 'q = "delete   from sessions"\n',
            "repo/d.py": 'q = "Insert\tInto audit (a) VALUES (1)"\n',
            "repo/e.py": 'q = "MERGE INTO prices p USING feed f ON p.id = f.id '
            'WHEN MATCHED THEN UPDATE SET p.v = f.v"\n',
            "repo/f.py": 'q = "create TABLE things (id INT)"\n',
            "repo/g.py": 'q = "ALTER  TABLE widgets ADD FOREIGN KEY (o) REFERENCES owners (id)"\n',
        },
    )
    assert tables["accounts"].readers == ("repo/a.py",)
    assert tables["carts"].writers == ("repo/b.py",)
    assert tables["sessions"].writers == ("repo/c.py",)
    assert tables["audit"].writers == ("repo/d.py",)
    assert tables["prices"].writers == ("repo/e.py",)
    assert tables["things"].declared_in == ("repo/f.py",)
    assert tables["widgets"].references == ("owners",)
    assert result.sql_unparsed == 0


_BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE mapper [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<mapper namespace="x.Y"><select id="a">SELECT &lol4; FROM bomb</select></mapper>
"""
_EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE mapper [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<mapper namespace="x.Z"><select id="a">SELECT a FROM &secret;</select></mapper>
"""


def test_hostile_xml_is_refused_with_a_warning(tmp_path: Path) -> None:
    tables, _, warnings = _scan(
        tmp_path,
        {
            "mappers/Bomb.xml": _BILLION_LAUGHS,
            "mappers/Secret.xml": _EXTERNAL_ENTITY,
            "mappers/Broken.xml": "<mapper namespace='x'><select>SELECT 1 FROM t</mapper>",
            "mappers/Good.xml": "<mapper namespace='x.G'>"
            "<select id='a'>SELECT a FROM fine</select></mapper>",
        },
    )
    assert set(tables) == {"fine"}  # nothing of the hostile files, nothing of /etc/passwd
    assert sum("entity declarations are not allowed" in w for w in warnings) == 2
    assert sum("does not parse" in w for w in warnings) == 1
    assert not any("root:" in w for w in warnings)


def test_schemas_keep_modules_apart_and_the_nearest_entity_wins(tmp_path: Path) -> None:
    config = (
        "class InternalCommandEntityTypeConfiguration"
        " : IEntityTypeConfiguration<InternalCommand> {{\n"
        "  public void Configure(EntityTypeBuilder<InternalCommand> b) {{\n"
        '    b.ToTable("InternalCommands", "{schema}");\n  }}\n}}\n'
    )
    context = (
        "class {name}Context : DbContext {{\n"
        "  public DbSet<InternalCommand> InternalCommands {{ get; set; }}\n}}\n"
    )
    tables, _, _ = _scan(
        tmp_path,
        {
            "Modules/Meetings/Config.cs": config.format(schema="meetings"),
            "Modules/Meetings/MeetingsContext.cs": context.format(name="Meetings"),
            "Modules/Payments/Config.cs": config.format(schema="payments"),
            "Modules/Payments/PaymentsContext.cs": context.format(name="Payments"),
            "Modules/Payments/Query.cs": 'var q = "SELECT [Id] "\n'
            '    + "FROM [payments].[InternalCommands]";\n',
            "db/views.sql": "CREATE VIEW meetings.v_members AS SELECT id FROM meetings.members;\n"
            "CREATE DATABASE MyMeetings;\nCREATE SCHEMA payments;\n",
            "db/orders.sql": "CREATE TABLE orders (id INT);\n",
            "db/report.sql": "SELECT id FROM public.orders;\n",
        },
    )
    assert set(tables) == {
        "meetings.internalcommands",
        "payments.internalcommands",
        "meetings.v_members",
        "meetings.members",
        "orders",
    }
    assert tables["payments.internalcommands"].writers == ("Modules/Payments/PaymentsContext.cs",)
    assert tables["payments.internalcommands"].readers == (
        "Modules/Payments/PaymentsContext.cs",
        "Modules/Payments/Query.cs",
    )
    assert tables["meetings.v_members"].declared_in == ("db/views.sql",)
    assert tables["meetings.members"].readers == ("db/views.sql",)
    assert tables["orders"].readers == ("db/report.sql",)  # public.orders is the one orders


def test_statements_that_touch_no_rows() -> None:
    tables = SqlTables()
    for sql in (
        "USE shop",
        "CREATE INDEX ix ON orders (id)",
        "DROP TABLE old",
        "GRANT ALL ON x TO y",
    ):
        assert parse_sql(sql, tables)
    assert (tables.reads, tables.writes, tables.creates, tables.unparsed) == (
        set(),
        set(),
        set(),
        0,
    )
