using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PyPyLeads.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class ChangeStamps : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ChangeStamps",
                columns: table => new
                {
                    Name = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    Version = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ChangeStamps", x => x.Name);
                });

            migrationBuilder.InsertData(
                table: "ChangeStamps",
                columns: new[] { "Name", "Version" },
                values: new object[] { "pipeline", 0L });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ChangeStamps");
        }
    }
}
